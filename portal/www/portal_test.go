package www

import (
	"net/http"
	"strings"
	"testing"
)

func TestPagesRender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	for _, tt := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", 200, "Sozialleistungen in Sachsen-Anhalt"},
		{"/?ort=Parchim", 200, "Ort nicht gefunden"},
		{"/?ort=San", 200, "Sangerhausen"},
		{"/leistungen/", 200, "Hilfe zum Lebensunterhalt"},
		{"/leistungen/hzl", 200, "Was brauchen Sie?"},
		{"/leistungen/unbekannt", 404, "Seite nicht gefunden"},
		{"/leistungen/buergergeld/beantragen", 200, "Wo wohnen Sie?"},
		{"/leistungen/buergergeld/beantragen?ort=Ballenstedt", 200, "Ballenstedt"},
		{"/landkreis-harz/", 200, "Landkreis Harz"},
		{"/landkreis-harz/leistungen/hzl/beantragen", 200, "Jetzt beantragen"},
		{"/gibt-es-nicht/", 404, "Seite nicht gefunden"},
		{"/sozialleistungsfinder/", 200, "18 einfache Fragen"},
		{"/sozialleistungsfinder/schritt/1", 200, "Schritt 1 von 7"},
		{"/sozialleistungsfinder/schritt/8", 404, ""},
		{"/sozialleistungsfinder/schritt/x", 404, ""},
		{"/sozialleistungsfinder/ergebnis", 200, "Fehlende Angaben"},
		{"/barrierefreiheit", 200, "Erklärung zur Barrierefreiheit"},
		{"/impressum", 200, "Impressum"},
		{"/datenschutz", 200, "Datenschutz"},
		{"/landkreis-harz/impressum", 200, "Friedrich-Ebert-Straße 42"},
		{"/leichte-sprache/", 200, "Leichter Sprache"},
		{"/leichte-sprache/navigation", 200, "So finden Sie sich zurecht"},
		{"/leichte-sprache/barrierefreiheit", 200, "Barriere-Freiheit"},
		{"/gebaerdensprache", 200, "Gebärdensprache"},
		{"/landkreis-harz/marke.css", 200, "--portal-primary"},
		{"/landkreis-harz/antrag/hzl", 200, "noch nicht"},
		{"/landkreis-harz/beratung", 200, "Beratung"},
	} {
		r := b.get(tt.path)
		if r.status != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("GET %s = %d (want %d), contains %q: %v\n%.300s", tt.path, r.status, tt.status, tt.want, strings.Contains(r.body, tt.want), r.body)
		}
	}
	// One place → straight to its municipality.
	if r := b.get("/?ort=38820"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/landkreis-harz/" {
		t.Errorf("postcode search = %d %s", r.status, r.header.Get("Location"))
	}
}
