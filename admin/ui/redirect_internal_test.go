package ui

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// After an action the browser returns to the element it was on: the
// notice goes into the query, the fragment stays last.
func TestSeeOtherKeepsTheFragmentLast(t *testing.T) {
	for _, tc := range []struct{ target, notice, want string }{
		{"/marktplatz/", "warenkorb", "/marktplatz/?hinweis=warenkorb"},
		{"/marktplatz/?art=EfA-Dienst", "warenkorb", "/marktplatz/?art=EfA-Dienst&hinweis=warenkorb"},
		{"/marktplatz/#produkt-SW10189", "warenkorb", "/marktplatz/?hinweis=warenkorb#produkt-SW10189"},
		{"/marktplatz/?art=EfA-Dienst#produkt-SW10189", "merkzettel", "/marktplatz/?art=EfA-Dienst&hinweis=merkzettel#produkt-SW10189"},
		{"/admin/marktplatz/produkte#produkt-SW10189", "", "/admin/marktplatz/produkte#produkt-SW10189"},
	} {
		w := httptest.NewRecorder()
		SeeOther(w, httptest.NewRequest(http.MethodPost, "/x", nil), tc.target, tc.notice)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != tc.want {
			t.Errorf("SeeOther(%q, %q) = %d %q, want %q", tc.target, tc.notice, w.Code, w.Header().Get("Location"), tc.want)
		}
	}
}
