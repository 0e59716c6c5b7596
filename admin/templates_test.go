package admin_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	// A button or button-like link with its label, up to its end tag.
	buttonMarkup = regexp.MustCompile(`(?s)<(button|a) class="(kern-btn[^"]*)"[^>]*>(.*?)</(?:button|a)>`)
	// Labels of actions that destroy or take back something.
	destructiveLabel = regexp.MustCompile(`^(Löschen|Entfernen|Zurücksetzen|Wieder öffnen|Konto deaktivieren|Aus der Körperschaft entfernen|Zurückziehen|Widerrufen|Termin absagen|Logo entfernen)\b`)
	tagText          = regexp.MustCompile(`<[^>]+>`)
)

// consoleTemplates returns every console template with its text.
func consoleTemplates(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || !strings.Contains(path, "templates") {
			return err
		}
		b, err := os.ReadFile(path)
		out[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d templates", len(out))
	}
	return out
}

// Issue 16, blocker 1: KERN draws a button that holds a .kern-sr-only as
// an icon-only button (32 or 48 px square), so a text button with a
// screen-reader suffix was squashed and its label spilled onto the next
// button. Console buttons carry their suffix in .visually-hidden, and
// every destructive action is marked so that it stands apart (and its
// handler asks first, see ui.Confirmed).
func TestButtonsKeepTheirLabelAndMarkDestructiveActions(t *testing.T) {
	t.Parallel()
	destructive := 0
	for path, text := range consoleTemplates(t) {
		for _, m := range buttonMarkup.FindAllStringSubmatch(text, -1) {
			class, inner := m[2], m[3]
			if strings.Contains(inner, "kern-sr-only") {
				t.Errorf("%s: a button holds .kern-sr-only, which KERN squashes to an icon button: %s", path, m[0])
			}
			label := strings.TrimSpace(tagText.ReplaceAllString(inner, ""))
			if i := strings.Index(label, ":"); i > 0 {
				label = label[:i]
			}
			if m[1] == "button" && destructiveLabel.MatchString(label) {
				destructive++
				if !strings.Contains(class, "app-btn--danger") {
					t.Errorf("%s: the destructive button %q is not marked app-btn--danger", path, label)
				}
			}
		}
	}
	if destructive < 12 {
		t.Errorf("found %d destructive buttons; the pattern no longer sees them", destructive)
	}
}
