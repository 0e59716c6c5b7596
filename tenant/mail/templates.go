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
	"text/template/parse"
	"time"
)

// The templates shipped now. Each is a file templates/<name>.tmpl defining
// "subject", "text", "html" and "audience".
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

// DomainFolder is where a domain keeps its mail templates, next to its
// code: mailtemplates/<name>.tmpl.
const DomainFolder = "mailtemplates"

// Templates returns a domain's embedded DomainFolder as the folder
// OutboxOptions.Templates takes. Go wants the embed directive in the
// package that owns the files, so each domain writes
//
//	//go:embed mailtemplates/*.tmpl
//	var mailTemplates embed.FS
//
//	func MailTemplates() fs.FS { return mail.Templates(mailTemplates) }
//
// and the outbox checks the templates (audience, secrets) when it parses
// them at start.
func Templates(files fs.FS) fs.FS {
	sub, err := fs.Sub(files, DomainFolder)
	if err != nil { // cannot happen: fs.Sub fails only on an invalid name
		panic(err)
	}
	return sub
}

// layoutFile holds the HTML frame every mail is set in; every other file in
// templates/ is one kind of mail.
const layoutFile = "layout.tmpl"

// germanDateTime is how dates appear in mails.
const germanDateTime = "02.01.2006 15:04 Uhr"

// Audience is who a kind of mail is written for. Every template says so in
// its "audience" definition ({{define "audience"}}citizen{{end}}), so that
// a new template cannot slip into the console by default.
type Audience string

// The audiences of mails.
const (
	// AudienceStaff are mails to staff and function mailboxes of the
	// authorities: the console shows them to the admins of their tenant.
	AudienceStaff Audience = "staff"
	// AudienceCitizen are mails to citizens (Servicekonto, appointments,
	// applications): staff never see them, only how many there are.
	AudienceCitizen Audience = "citizen"
)

// Masked is what a secret link looks like in the masked text of a mail.
const Masked = "[Link ausgeblendet]"

// kind is one parsed mail template: subject and text with text/template
// (twice: with secrets, and with every value marked by the template
// function "secret" masked), the HTML body with html/template inside the
// shared layout.
type kind struct {
	text     *texttemplate.Template
	masked   *texttemplate.Template
	html     *htmltemplate.Template
	audience Audience
}

// templateData is what every template sees.
type templateData struct {
	BaseURL      string
	PlatformName string
	Subject      string // the rendered subject; the HTML layout uses it as title
	Data         any
}

// rendered is a mail ready to store: Masked is Text with every secret
// replaced by Masked.
type rendered struct {
	Subject, Text, Masked, HTML string
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

// secretFuncs are the "secret" template function: the value itself for
// the mail that is sent, Masked for the copy staff may see.
func secretFuncs(masked bool) map[string]any {
	return map[string]any{"secret": func(v any) string {
		if masked {
			return Masked
		}
		return fmt.Sprint(v)
	}}
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
		var k kind
		if k.text, err = texttemplate.New(name).Funcs(funcs).Funcs(secretFuncs(false)).Option("missingkey=error").Parse(string(body)); err != nil {
			return fmt.Errorf("parse mail template %s: %w", name, err)
		}
		if k.masked, err = texttemplate.New(name).Funcs(funcs).Funcs(secretFuncs(true)).Option("missingkey=error").Parse(string(body)); err != nil {
			return fmt.Errorf("parse mail template %s: %w", name, err)
		}
		k.html, err = htmltemplate.New(name).Funcs(funcs).Funcs(secretFuncs(false)).Option("missingkey=error").Parse(string(layout))
		if err == nil {
			_, err = k.html.Parse(string(body))
		}
		if err != nil {
			return fmt.Errorf("parse mail template %s as HTML: %w", name, err)
		}
		for _, def := range []string{"subject", "text", "audience"} {
			if k.text.Lookup(def) == nil {
				return fmt.Errorf("mail template %s defines no %q", name, def)
			}
		}
		if k.html.Lookup("html") == nil || k.html.Lookup("layout") == nil {
			return fmt.Errorf("mail template %s defines no \"html\" (or the layout is missing)", name)
		}
		var aud bytes.Buffer
		if err := k.text.ExecuteTemplate(&aud, "audience", nil); err != nil {
			return fmt.Errorf("mail template %s: audience: %w", name, err)
		}
		switch k.audience = Audience(strings.TrimSpace(aud.String())); k.audience {
		case AudienceStaff, AudienceCitizen:
		default:
			return fmt.Errorf("mail template %s: audience %q, want %q or %q", name, k.audience, AudienceStaff, AudienceCitizen)
		}
		if err := checkSecrets(k.text); err != nil {
			return fmt.Errorf("mail template %s: %w", name, err)
		}
		kinds[name] = k
	}
	return nil
}

// checkSecrets makes sure that a value the template marks as secret
// ({{secret .Data.Link}}) is marked wherever the template uses it, in text
// and HTML: otherwise the masked copy would still show it.
func checkSecrets(t *texttemplate.Template) error {
	secret := map[string]bool{}
	var used []string // fields printed or entered (with, range) outside secret
	var walkPipe func(p *parse.PipeNode, printed bool)
	var walk func(n parse.Node)
	walkArgs := func(args []parse.Node, printed bool) {
		for _, a := range args {
			switch a := a.(type) {
			case *parse.FieldNode:
				if printed {
					used = append(used, a.String())
				}
			case *parse.PipeNode:
				walkPipe(a, printed)
			}
		}
	}
	walkPipe = func(p *parse.PipeNode, printed bool) {
		if p == nil {
			return
		}
		for _, c := range p.Cmds {
			if len(c.Args) > 0 {
				if id, ok := c.Args[0].(*parse.IdentifierNode); ok && id.Ident == "secret" {
					for _, a := range c.Args[1:] {
						if f, ok := a.(*parse.FieldNode); ok {
							secret[f.String()] = true
						}
					}
					continue
				}
			}
			walkArgs(c.Args, printed)
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walkPipe(n.Pipe, true)
		case *parse.IfNode:
			walkPipe(n.Pipe, false) // a condition prints nothing
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walkPipe(n.Pipe, true) // the value becomes "." inside
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walkPipe(n.Pipe, true)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walkPipe(n.Pipe, true)
		}
	}
	for _, tmpl := range t.Templates() {
		if tmpl.Tree != nil {
			walk(tmpl.Tree.Root)
		}
	}
	for _, f := range used {
		if secret[f] {
			return fmt.Errorf("%s is marked secret once but used without {{secret}} elsewhere", f)
		}
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
	buf.Reset()
	if err := k.masked.ExecuteTemplate(&buf, "text", d); err != nil {
		return rendered{}, fmt.Errorf("render masked text: %w", err)
	}
	masked := strings.TrimSpace(buf.String()) + "\n"
	return rendered{Subject: d.Subject, Text: text, Masked: masked, HTML: html}, nil
}
