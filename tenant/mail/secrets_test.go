package mail_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"sozialplattform/tenant/mail"
)

// citizenTemplates is a folder of mail templates as a citizen-facing
// domain ships them.
var citizenTemplates = fstest.MapFS{
	"buerger-passwort.tmpl": {Data: []byte(`{{/* Data: map */}}
{{define "audience"}}citizen{{end}}
{{define "subject"}}Passwort{{end}}
{{define "text"}}Neues Passwort: {{secret .Data.Link}}{{end}}
{{define "html"}}<a href="{{secret .Data.Link}}">Neues Passwort</a>{{end}}`)},
}

func newCitizenOutbox(t *testing.T) (*mail.Outbox, func(mail.Message) string) {
	t.Helper()
	db := newDB(t)
	o, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example.de", PlatformName: "P",
		From: "P <noreply@sozial.example.de>", Templates: []fs.FS{citizenTemplates}})
	if err != nil {
		t.Fatal(err)
	}
	return o, func(m mail.Message) string { return enqueue(t, db, o, m) }
}

// The text of a mail is stored twice: as sent, and with every value the
// template marks as secret masked – the copy staff may read.
func TestSecretLinksAreMaskedInTheStaffCopy(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o := newOutbox(t, db)
	addTenant(t, db, "t1")
	inv := invitation("neu@example.org")
	inv.TenantID = "t1"
	m := get(t, o, enqueue(t, db, o, inv))
	if !strings.Contains(m.TextBody, testLink) || !strings.Contains(m.HTMLBody, testLink) {
		t.Fatalf("the mail as sent lacks its link:\n%s", m.TextBody)
	}
	if strings.Contains(m.MaskedText, "abc123") || !strings.Contains(m.MaskedText, mail.Masked) || !m.HasSecrets() {
		t.Errorf("masked copy:\n%s", m.MaskedText)
	}
	if strings.Replace(m.TextBody, testLink, mail.Masked, -1) != m.MaskedText {
		t.Errorf("the masked copy differs in more than the link:\n%s\n---\n%s", m.TextBody, m.MaskedText)
	}
	if m.Audience != mail.AudienceStaff {
		t.Errorf("audience %q", m.Audience)
	}
}

// Mails to citizens are not for staff: never listed, never returned by
// Get, not retried one by one; only counted per template and status.
func TestCitizenMailsAreOnlyCounted(t *testing.T) {
	t.Parallel()
	o, enq := newCitizenOutbox(t)
	ctx := context.Background()
	staffID := enq(invitation("sachbearbeitung@example.org"))
	var citizenIDs []string
	for _, to := range []string{"erika@example.org", "max@example.org"} {
		citizenIDs = append(citizenIDs, enq(mail.Message{To: to, Template: "buerger-passwort",
			Data: map[string]string{"Link": "https://sozial.example.de/passwort/geheim-" + to}}))
	}
	list, err := o.List(ctx, mail.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != staffID {
		t.Errorf("List shows %+v, want only the staff mail", list)
	}
	for _, id := range citizenIDs {
		if _, err := o.Get(ctx, id); !errors.Is(err, mail.ErrNotFound) {
			t.Errorf("Get of a citizen mail: %v, want ErrNotFound", err)
		}
		if err := o.Retry(ctx, id); !errors.Is(err, mail.ErrNotFound) {
			t.Errorf("Retry of a citizen mail: %v, want ErrNotFound", err)
		}
	}
	counts, err := o.CitizenCounts(ctx, mail.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0] != (mail.TemplateCount{Template: "buerger-passwort", Queued: 2}) {
		t.Errorf("counts %+v", counts)
	}
	if counts, _ := o.CitizenCounts(ctx, mail.ListFilter{TenantIDs: []string{"t9"}}); len(counts) != 0 {
		t.Errorf("counts of another tenant: %+v", counts)
	}
}

// After an outage the failed citizen mails of a template go out again,
// without anyone reading them.
func TestRetryCitizenFailed(t *testing.T) {
	t.Parallel()
	db := newDB(t)
	o, err := mail.NewOutbox(db, mail.OutboxOptions{PlatformName: "P", Templates: []fs.FS{citizenTemplates}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	addTenant(t, db, "t1")
	for _, tenant := range []string{"t1", ""} {
		id := enqueue(t, db, o, mail.Message{TenantID: tenant, To: "erika@example.org", Template: "buerger-passwort", Data: map[string]string{"Link": "x"}})
		if _, err := db.Write.NewUpdate().Model((*mail.Stored)(nil)).Set("status = ?", mail.StatusFailed).Set("attempts = 8").
			Where("id = ?", id).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := o.RetryCitizenFailed(ctx, mail.ListFilter{TenantIDs: []string{"t1"}}, "buerger-passwort"); err != nil || n != 1 {
		t.Fatalf("retry in t1: %d, %v", n, err)
	}
	counts, _ := o.CitizenCounts(ctx, mail.ListFilter{})
	if len(counts) != 1 || counts[0].Queued != 1 || counts[0].Failed != 1 {
		t.Errorf("after retrying t1: %+v", counts)
	}
	if n, _ := o.RetryCitizenFailed(ctx, mail.ListFilter{TenantIDs: []string{}}, "buerger-passwort"); n != 0 {
		t.Errorf("retry with no tenant in scope: %d", n)
	}
	if n, _ := o.RetryCitizenFailed(ctx, mail.ListFilter{}, "buerger-passwort"); n != 1 {
		t.Errorf("retry everywhere: %d", n)
	}
}

// Templates that could leak are refused when the outbox starts.
func TestTemplatesMustDeclareAudienceAndMarkSecretsEverywhere(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"no audience", `{{define "subject"}}S{{end}}{{define "text"}}T{{end}}{{define "html"}}H{{end}}`, `defines no "audience"`},
		{"unknown audience", `{{define "audience"}}alle{{end}}{{define "subject"}}S{{end}}{{define "text"}}T{{end}}{{define "html"}}H{{end}}`, `audience "alle"`},
		{"secret printed plainly in the text", `{{define "audience"}}staff{{end}}{{define "subject"}}S{{end}}` +
			`{{define "text"}}{{secret .Data.Link}} {{.Data.Link}}{{end}}{{define "html"}}<a href="{{secret .Data.Link}}">x</a>{{end}}`, ".Data.Link is marked secret"},
		{"secret printed plainly in the HTML", `{{define "audience"}}staff{{end}}{{define "subject"}}S{{end}}` +
			`{{define "text"}}{{secret .Data.Link}}{{end}}{{define "html"}}<a href="{{.Data.Link}}">x</a>{{end}}`, ".Data.Link is marked secret"},
		{"secret entered with with", `{{define "audience"}}staff{{end}}{{define "subject"}}S{{end}}` +
			`{{define "text"}}{{secret .Data.Link}}{{with .Data.Link}}{{.}}{{end}}{{end}}{{define "html"}}H{{end}}`, ".Data.Link is marked secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.NewOutbox(nil, mail.OutboxOptions{Templates: []fs.FS{fstest.MapFS{"x.tmpl": {Data: []byte(tt.body)}}}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// A condition on a secret prints nothing and is fine.
	ok := `{{define "audience"}}staff{{end}}{{define "subject"}}S{{end}}{{define "text"}}{{if .Data.Link}}{{secret .Data.Link}}{{end}}{{end}}{{define "html"}}H{{end}}`
	if _, err := mail.NewOutbox(nil, mail.OutboxOptions{Templates: []fs.FS{fstest.MapFS{"x.tmpl": {Data: []byte(ok)}}}}); err != nil {
		t.Errorf("if on a secret: %v", err)
	}
}
