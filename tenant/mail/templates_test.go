package mail

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestRenderedMailsMatchGoldenFiles pins the exact wording of every mail.
// After a deliberate change run: go test ./tenant/mail/ -run Golden -update
func TestRenderedMailsMatchGoldenFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		golden   string
		template string
		data     any
	}{
		{"invitation.golden", TemplateInvitation, InvitationData{
			InviterName: "Erika Mustermann",
			TenantName:  "Landkreis Musterstadt",
			RoleLabel:   "Sachbearbeitung",
			Link:        "https://sozial.example.de/einladung/abc123",
			ExpiresAt:   time.Date(2025, 3, 14, 16, 30, 0, 0, time.UTC), // CET: 17:30
		}},
		{"invitation-without-inviter.golden", TemplateInvitation, InvitationData{
			TenantName: "Gemeinde Beispielhausen <Süd>",
			RoleLabel:  "Verwaltung",
			Link:       "https://sozial.example.de/einladung/x?a=1&b=2",
			ExpiresAt:  time.Date(2025, 7, 1, 6, 5, 0, 0, time.UTC), // CEST: 08:05
		}},
		{"password-reset.golden", TemplatePasswordReset, PasswordResetData{
			Name:      "Max Mustermann",
			Link:      "https://sozial.example.de/passwort/neu/def456",
			ExpiresAt: time.Date(2025, 10, 26, 1, 30, 0, 0, time.UTC), // after the switch back: 02:30 CET
		}},
	}
	o := newTestOutbox(t)
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			r, err := o.kinds[tt.template].render(templateData{
				BaseURL: o.opts.BaseURL, PlatformName: o.opts.PlatformName, Data: tt.data,
			})
			if err != nil {
				t.Fatal(err)
			}
			got := "Subject: " + r.Subject + "\n\n--- text ---\n" + r.Text + "\n--- text for staff (secrets masked) ---\n" + r.Masked +
				"\n--- html ---\n" + r.HTML
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered mail (run with -update after a deliberate change):\n%s", path, got)
			}
		})
	}
}

func TestEveryTemplateRendersTextAndHTML(t *testing.T) {
	t.Parallel()
	o := newTestOutbox(t)
	data := map[string]any{
		TemplateInvitation:    InvitationData{TenantName: "T", RoleLabel: "R", Link: "https://x/y", ExpiresAt: time.Now()},
		TemplatePasswordReset: PasswordResetData{Link: "https://x/y", ExpiresAt: time.Now()},
	}
	for name, k := range o.kinds {
		d, ok := data[name]
		if !ok {
			t.Errorf("template %s has no test data here", name)
			continue
		}
		r, err := k.render(templateData{PlatformName: "P", Data: d})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.Subject == "" || strings.Contains(r.Subject, "\n") {
			t.Errorf("%s: subject %q must be one non-empty line", name, r.Subject)
		}
		if !strings.Contains(r.Text, "https://x/y") || !strings.Contains(r.HTML, `href="https://x/y"`) {
			t.Errorf("%s: link missing in text or HTML", name)
		}
		if !strings.HasPrefix(r.HTML, "<!DOCTYPE html>") {
			t.Errorf("%s: HTML is not set in the layout", name)
		}
	}
}

func TestRenderFailsOnWrongData(t *testing.T) {
	t.Parallel()
	o := newTestOutbox(t)
	if _, err := o.kinds[TemplateInvitation].render(templateData{Data: PasswordResetData{}}); err == nil {
		t.Error("invitation rendered with password reset data")
	}
	if _, err := o.kinds[TemplateInvitation].render(templateData{}); err == nil {
		t.Error("invitation rendered without data")
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		attempts int
		r        float64
		want     time.Duration
	}{
		{1, 0.5, time.Minute},
		{2, 0.5, 2 * time.Minute},
		{3, 0.5, 4 * time.Minute},
		{7, 0.5, 64 * time.Minute},
		{1, 0, 48 * time.Second},  // -20 %
		{1, 1, 72 * time.Second},  // +20 % (r is below 1 in practice)
		{10, 0.5, 6 * time.Hour},  // capped
		{500, 0.5, 6 * time.Hour}, // no overflow
		{0, 0.5, time.Minute},
	}
	for _, tt := range tests {
		if got := backoff(tt.attempts, tt.r); got != tt.want {
			t.Errorf("backoff(%d, %v) = %s, want %s", tt.attempts, tt.r, got, tt.want)
		}
	}
}

func TestTruncateKeepsRunesWhole(t *testing.T) {
	t.Parallel()
	if got := truncate("äöü", 3); got != "ä…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("abc", 3); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}

// newTestOutbox parses the templates without a database.
func newTestOutbox(t *testing.T) *Outbox {
	t.Helper()
	o, err := NewOutbox(nil, OutboxOptions{
		BaseURL:      "https://sozial.example.de/",
		From:         "Sozialplattform <noreply@sozial.example.de>",
		PlatformName: "Sozialplattform Musterland",
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func BenchmarkRenderInvitation(b *testing.B) {
	o, err := NewOutbox(nil, OutboxOptions{BaseURL: "https://sozial.example.de", PlatformName: "Sozialplattform"})
	if err != nil {
		b.Fatal(err)
	}
	d := templateData{BaseURL: o.opts.BaseURL, PlatformName: o.opts.PlatformName, Data: InvitationData{
		InviterName: "Erika Mustermann", TenantName: "Landkreis Musterstadt", RoleLabel: "Sachbearbeitung",
		Link: "https://sozial.example.de/einladung/abc123", ExpiresAt: time.Now(),
	}}
	k := o.kinds[TemplateInvitation]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.render(d); err != nil {
			b.Fatal(err)
		}
	}
}
