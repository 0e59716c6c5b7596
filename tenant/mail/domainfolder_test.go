package mail_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"sozialplattform/tenant/mail"
)

// A domain hands its embedded mailtemplates folder to the outbox through
// mail.Templates; the outbox then holds those templates to the rules.
func TestTemplatesIsTheDomainsMailtemplatesFolder(t *testing.T) {
	t.Parallel()
	ok := `{{define "audience"}}staff{{end}}{{define "subject"}}Betreff{{end}}{{define "text"}}Text{{end}}{{define "html"}}<p>HTML</p>{{end}}`
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"templates in the folder", fstest.MapFS{"mailtemplates/domain-hinweis.tmpl": {Data: []byte(ok)}, "other/ignored.tmpl": {Data: []byte("{{")}}, ""},
		{"a template without audience", fstest.MapFS{"mailtemplates/domain-hinweis.tmpl": {Data: []byte(`{{define "subject"}}S{{end}}{{define "text"}}T{{end}}{{define "html"}}H{{end}}`)}}, `defines no "audience"`},
		{"no folder", fstest.MapFS{"templates/domain-hinweis.tmpl": {Data: []byte(ok)}}, "read mail templates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := mail.Templates(tt.files)
			_, err := mail.NewOutbox(nil, mail.OutboxOptions{Templates: []fs.FS{dir}})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("NewOutbox: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("NewOutbox: %v, want an error containing %q", err, tt.wantErr)
			}
			if tt.wantErr == "" {
				if _, err := fs.Stat(dir, "domain-hinweis.tmpl"); err != nil {
					t.Errorf("the template is not at the folder's top: %v", err)
				}
			}
		})
	}
}
