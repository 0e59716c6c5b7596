package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"sozialplattform/marketplace"
)

// TestConfirmationLinkThatNoLongerWorks: a link that did its work says so
// and offers no new registration, which would only be refused as a
// duplicate (finding m4); an unknown link offers one.
func TestConfirmationLinkThatNoLongerWorks(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true})
	_, token, err := e.market.Register(t.Context(), marketplace.RegistrationInput{AuthorityName: "Salzlandkreis", OfficialKey: "15089",
		FunctionMailbox: "sozialamt@salzlandkreis.example", Street: "Karlsplatz 37", PostalCode: "06406", City: "Bernburg (Saale)",
		ContactName: "Sina Salz", AcceptTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	link := "/marktplatz/registrierung/bestaetigen/" + token
	anon := e.client()
	status, _, body := anon.form(link, link, nil)
	if status != http.StatusOK || !strings.Contains(body, "Funktionspostfach bestätigt") {
		t.Fatalf("first use of the link: %d", status)
	}
	for _, tt := range []struct {
		name, path   string
		says         string
		offersNewOne bool
	}{
		{"the used link", link, "bereits verwendet", false},
		{"an unknown link", "/marktplatz/registrierung/bestaetigen/ausgedacht", "ungültig", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := anon.mustPage(http.StatusGone, tt.path)
			if !strings.Contains(page, tt.says) {
				t.Errorf("the page does not say %q", tt.says)
			}
			if got := strings.Contains(page, "erneut registrieren"); got != tt.offersNewOne {
				t.Errorf("offers a new registration: %v, want %v", got, tt.offersNewOne)
			}
		})
	}
	// Clicking the button again on a page opened before gets the same answer.
	if status, _, body := anon.form("/marktplatz/registrierung", link, nil); status != http.StatusGone ||
		strings.Contains(body, "erneut registrieren") || !strings.Contains(body, "Zum Katalog") {
		t.Errorf("confirming twice: %d", status)
	}
}
