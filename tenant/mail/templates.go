package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
	"time"
	_ "time/tzdata" // the mail dates are German local time, also where the host has no zoneinfo
)

// The templates shipped now. Each is a file templates/<name>.tmpl defining
// "subject", "text" and "html".
const (
	TemplateInvitation    = "invitation"
	TemplatePasswordReset = "password-reset"
)

// InvitationData fills the "invitation" template.
type InvitationData struct {
	InviterName string // who invites; may be empty
	TenantName  string
	RoleLabel   string // German role name, e.g. "Sachbearbeitung"
	Link        string // where the invitation is accepted
	ExpiresAt   time.Time
}

// PasswordResetData fills the "password-reset" template.
type PasswordResetData struct {
	Name      string // the user's name; may be empty
	Link      string // where the new password is set
	ExpiresAt time.Time
}

//go:embed templates/*.tmpl
var templateFiles embed.FS

// layoutFile holds the HTML frame every mail is set in; every other file in
// templates/ is one kind of mail.
const layoutFile = "layout.tmpl"

// germanDateTime is how dates appear in mails.
const germanDateTime = "02.01.2006 15:04 Uhr"

// kind is one parsed mail template: subject and text with text/template, the
// HTML body with html/template inside the shared layout.
type kind struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// templateData is what every template sees.
type templateData struct {
	BaseURL      string
	PlatformName string
	Subject      string // the rendered subject; the HTML layout uses it as title
	Data         any
}

// rendered is a mail ready to store.
type rendered struct {
	Subject, Text, HTML string
}

// parseTemplates parses every embedded mail template once, and those of
// the other domains (each a folder of <name>.tmpl files), all set in the
// shared layout.
func parseTemplates(loc *time.Location, extra []fs.FS) (map[string]kind, error) {
	kinds := map[string]kind{}
	core, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	for _, fsys := range append([]fs.FS{core}, extra...) {
		if err := parseFolder(loc, fsys, kinds); err != nil {
			return nil, err
		}
	}
	return kinds, nil
}

func parseFolder(loc *time.Location, fsys fs.FS, kinds map[string]kind) error {
	funcs := map[string]any{
		"dateTime": func(t time.Time) string { return t.In(loc).Format(germanDateTime) },
		"date":     func(t time.Time) string { return t.In(loc).Format("02.01.2006") },
	}
	layout, err := fs.ReadFile(templateFiles, path.Join("templates", layoutFile))
	if err != nil {
		return fmt.Errorf("read mail layout: %w", err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("read mail templates: %w", err)
	}
	for _, e := range entries {
		if e.Name() == layoutFile || !strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ".tmpl")
		if _, dup := kinds[name]; dup {
			return fmt.Errorf("mail template %s is defined twice", name)
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return fmt.Errorf("read mail template %s: %w", name, err)
		}
		text, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(body))
		if err != nil {
			return fmt.Errorf("parse mail template %s: %w", name, err)
		}
		html, err := htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(layout))
		if err == nil {
			_, err = html.Parse(string(body))
		}
		if err != nil {
			return fmt.Errorf("parse mail template %s as HTML: %w", name, err)
		}
		for _, def := range []string{"subject", "text"} {
			if text.Lookup(def) == nil {
				return fmt.Errorf("mail template %s defines no %q", name, def)
			}
		}
		if html.Lookup("html") == nil || html.Lookup("layout") == nil {
			return fmt.Errorf("mail template %s defines no \"html\" (or the layout is missing)", name)
		}
		kinds[name] = kind{text: text, html: html}
	}
	return nil
}

// render fills one kind of mail with data.
func (k kind) render(d templateData) (rendered, error) {
	var buf bytes.Buffer
	if err := k.text.ExecuteTemplate(&buf, "subject", d); err != nil {
		return rendered{}, fmt.Errorf("render subject: %w", err)
	}
	// A subject is one line: collapse all whitespace, newlines included.
	d.Subject = strings.Join(strings.Fields(buf.String()), " ")
	buf.Reset()
	if err := k.text.ExecuteTemplate(&buf, "text", d); err != nil {
		return rendered{}, fmt.Errorf("render text: %w", err)
	}
	text := strings.TrimSpace(buf.String()) + "\n"
	buf.Reset()
	if err := k.html.ExecuteTemplate(&buf, "layout", d); err != nil {
		return rendered{}, fmt.Errorf("render HTML: %w", err)
	}
	html := strings.TrimSpace(buf.String()) + "\n"
	return rendered{Subject: d.Subject, Text: text, HTML: html}, nil
}
