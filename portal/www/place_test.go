package www

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"sozialplattform/portal/site"
	"sozialplattform/tenant/gemeinden"
)

// plain drops the <bdi> isolation around names, for comparing sentences.
func plain(page string) string {
	return strings.NewReplacer(`<bdi lang="de">`, "", "<bdi>", "", "</bdi>", "").Replace(page)
}

// portalOf is the portal a Gemeinde's citizens belong to among the demo
// tenants: the Gemeinde's own (Wernigerode, Lutherstadt Wittenberg), else
// its Landkreis or kreisfreie Stadt.
func portalOf(t *testing.T, e *env, g gemeinden.Gemeinde) string {
	t.Helper()
	ctx := context.Background()
	if g.Kind != gemeinden.KindKreisfreieStadt {
		if tt, err := e.store.ResolveTenant(ctx, g.AGS); err == nil {
			return "/" + tt.Slug + "/"
		}
	}
	k, err := e.store.ResolveTenant(ctx, g.KreisKey)
	if err != nil {
		t.Fatalf("Kreis %s: %v", g.KreisKey, err)
	}
	return "/" + k.Slug + "/"
}

// resolve searches a place on the start page and follows the choice for
// the Gemeinde with the given AGS when the portal asks; it returns the
// portal the search leads to.
func resolve(t *testing.T, b *browser, q, ags string) string {
	t.Helper()
	r := b.get("/?ort=" + url.QueryEscape(q))
	switch r.status {
	case http.StatusSeeOther:
		return r.header.Get("Location")
	case http.StatusOK:
		link := `href="/?ort=` + ags + `"`
		if !strings.Contains(r.body, link) {
			t.Errorf("%q: no redirect and no choice of %s", q, ags)
			return ""
		}
		next := b.get("/?ort=" + ags)
		if next.status != http.StatusSeeOther {
			t.Errorf("%q: the choice %s answers %d", q, ags, next.status)
		}
		return next.header.Get("Location")
	}
	t.Errorf("%q: status %d", q, r.status)
	return ""
}

// TestEveryGemeindeAndPostcodeReachesItsPortal: each of the 218 Gemeinden
// of the official list, by key and by name, and each of their postcodes
// leads to the right portal – the Gemeinde's own where it has one, else
// its Landkreis or kreisfreie Stadt.
func TestEveryGemeindeAndPostcodeReachesItsPortal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	list, err := gemeinden.Default()
	if err != nil {
		t.Fatal(err)
	}
	byPostcode := map[string][]gemeinden.Gemeinde{}
	for _, g := range list.Gemeinden() {
		want := portalOf(t, e, g)
		for _, q := range []string{g.AGS, g.Name(), g.OfficialName} {
			if got := resolve(t, b, q, g.AGS); got != want {
				t.Errorf("%s (%q) leads to %q, want %q", g.Name(), q, got, want)
			}
		}
		for _, pc := range g.Postcodes {
			byPostcode[pc] = append(byPostcode[pc], g)
		}
	}
	for pc, gs := range byPostcode {
		for _, g := range gs {
			if got, want := resolve(t, b, pc, g.AGS), portalOf(t, e, g); got != want {
				t.Errorf("%s → %s leads to %q, want %q", pc, g.Name(), got, want)
			}
		}
	}
	if len(byPostcode) < 200 {
		t.Errorf("only %d postcodes checked", len(byPostcode))
	}
}

func TestPlaceSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	for _, tt := range []struct {
		name, q, location string
		page              []string // on the choice page
	}{
		{"Ilsenburg", "Ilsenburg", "/landkreis-harz/", nil},
		{"Osterwieck", "Osterwieck", "/landkreis-harz/", nil},
		{"Harzgerode", "Harzgerode", "/landkreis-harz/", nil},
		{"Kemberg", "Kemberg", "/landkreis-wittenberg/", nil},
		{"a Gemeinde with its own portal", "Stadt Wernigerode", "/wernigerode/", nil},
		{"Lutherstadt", "Wittenberg", "/lutherstadt-wittenberg/", nil},
		{"the Landkreis asked for", "Landkreis Wittenberg", "/landkreis-wittenberg/", nil},
		{"typo", "Ilsneburg", "/landkreis-harz/", nil},
		{"umlaut spelled out", "Koethen", "/landkreis-anhalt-bitterfeld/", nil},
		{"Hansestadt left out", "Stendal", "/landkreis-stendal/", nil},
		{"Ortsteil", "Gernrode", "/landkreis-harz/", nil},
		{"a shared postcode asks", "38871", "", []string{"Bitte wählen Sie Ihren Ort", `href="/?ort=15085190"`, "Ilsenburg (Harz)",
			`href="/?ort=15085227"`, "Nordharz", "Landkreis Harz", "PLZ 38871"}},
		{"an uncertain Ortsteil asks", "Drübeck", "", []string{"Ortsteil von Ilsenburg (Harz)", "Zuordnung nicht sicher",
			`href="/?ort=15085190%3Adruebeck"`, `href="/?ort=15085227"`}},
		{"an unknown AGS is not a Kreis (m2)", "15090999", "", []string{"Ort nicht gefunden"}},
	} {
		r := b.get("/?ort=" + url.QueryEscape(tt.q))
		r.body = plain(r.body)
		if tt.location != "" {
			if r.status != http.StatusSeeOther || r.header.Get("Location") != tt.location {
				t.Errorf("%s: %q → %d %q, want %q", tt.name, tt.q, r.status, r.header.Get("Location"), tt.location)
			}
			continue
		}
		if r.status != http.StatusOK {
			t.Errorf("%s: %q → %d", tt.name, tt.q, r.status)
		}
		for _, want := range tt.page {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s: page lacks %q", tt.name, want)
			}
		}
	}
	// Choosing the uncertain Ortsteil confirms it.
	if r := b.get("/?ort=15085190:druebeck"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/landkreis-harz/" {
		t.Errorf("chosen Ortsteil → %d %s", r.status, r.header.Get("Location"))
	}
}

// TestAGemeindesPortalOffersItsKreisService: Wernigerode's portal offers
// the SGB XII services the Landkreis Harz runs, links to the Landkreis'
// application and names it; the Land's portal does the same for any
// Gemeinde of the Kreis.
func TestAGemeindesPortalOffersItsKreisService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	wernigerode, err := e.store.ResolveTenant(ctx, "wernigerode")
	if err != nil {
		t.Fatal(err)
	}
	harzLive := []string{"hzl", "eb-hzl", "grusi", "but", "asylblg"}
	e.services.live[e.harz.ID] = harzLive
	b := e.browser(t)

	home := plain(b.get("/wernigerode/").body)
	for _, want := range []string{"Online beantragen", "Zuständig ist der Landkreis Harz."} {
		if !strings.Contains(home, want) {
			t.Errorf("/wernigerode/ lacks %q", want)
		}
	}
	n := 0
	for _, svc := range site.Services {
		if svc.Rechtskreis != "sgb12" && svc.Rechtskreis != "asylblg" {
			continue
		}
		for _, strecke := range svc.Antragsstrecken {
			if !slices.Contains(harzLive, strecke) {
				continue
			}
			n++
			for _, path := range []string{"/wernigerode/leistungen/" + svc.Key + "/beantragen",
				"/leistungen/" + svc.Key + "/beantragen?ort=Ilsenburg", "/leistungen/" + svc.Key + "/beantragen?ort=15085370"} {
				page := plain(b.get(path).body)
				for _, want := range []string{`href="/landkreis-harz/antrag/` + strecke + `"`, "Zuständig ist der Landkreis Harz."} {
					if !strings.Contains(page, want) {
						t.Errorf("%s lacks %q", path, want)
					}
				}
			}
		}
		page := plain(b.get("/wernigerode/leistungen/" + svc.Key).body)
		if !strings.Contains(page, "Zuständig ist der Landkreis Harz.") {
			t.Errorf("/wernigerode/leistungen/%s does not name the Landkreis", svc.Key)
		}
	}
	if n < 5 {
		t.Errorf("only %d SGB XII/AsylbLG Antragsstrecken checked", n)
	}
	// The Gemeinde's own live list stays empty: the application itself
	// runs at the Landkreis.
	if live, _ := e.services.LiveAntragsstrecken(ctx, wernigerode.ID); len(live) != 0 {
		t.Errorf("Wernigerode runs %v", live)
	}
	// In English, without the German article.
	b.lang = "en"
	if page := plain(b.get("/wernigerode/leistungen/hzl/beantragen").body); !strings.Contains(page, "Responsible authority: Landkreis Harz.") {
		t.Error("English apply page does not name the Landkreis")
	}
}

// TestADelegatedServiceIsTheGemeindes: where the Landkreis has its
// Gemeinden run an Antragsstrecke, the Gemeinde is named and its own live
// service linked; the Landkreis' portal asks for the Gemeinde.
func TestADelegatedServiceIsTheGemeindes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	wernigerode, err := e.store.ResolveTenant(ctx, "wernigerode")
	if err != nil {
		t.Fatal(err)
	}
	e.services.live[e.harz.ID] = []string{"hzl", "wbs"}
	e.services.live[wernigerode.ID] = []string{"wbs"}
	e.services.gemeinde["15085"] = []string{"wbs"}
	b := e.browser(t)
	for _, tt := range []struct {
		path      string
		want, not []string
	}{
		{"/wernigerode/leistungen/wbs/beantragen", []string{`href="/wernigerode/antrag/wbs"`, "Zuständig ist die Stadt Wernigerode."},
			[]string{"/landkreis-harz/antrag/wbs"}},
		{"/wernigerode/leistungen/hzl/beantragen", []string{`href="/landkreis-harz/antrag/hzl"`, "Zuständig ist der Landkreis Harz."}, nil},
		{"/leistungen/wbs/beantragen?ort=Ilsenburg", []string{"Zuständig ist die Stadt Ilsenburg (Harz).", "Ilsenburg (Harz)"},
			[]string{"/landkreis-harz/antrag/wbs", "/wernigerode/antrag/wbs"}},
		{"/leistungen/wbs/beantragen?ort=Nordharz", []string{"Zuständig ist die Gemeinde Nordharz."}, []string{"antrag/wbs"}},
		{"/landkreis-harz/leistungen/wbs/beantragen", []string{"Wo wohnen Sie?"}, []string{"antrag/wbs"}},
		{"/landkreis-harz/leistungen/wbs/beantragen?ort=15085370", []string{`href="/wernigerode/antrag/wbs"`, "Zuständig ist die Stadt Wernigerode."}, nil},
		{"/landkreis-harz/leistungen/hzl/beantragen", []string{`href="/landkreis-harz/antrag/hzl"`, "Zuständig ist der Landkreis Harz."}, nil},
	} {
		r := b.get(tt.path)
		r.body = plain(r.body)
		if r.status != http.StatusOK {
			t.Errorf("%s: %d", tt.path, r.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s lacks %q", tt.path, w)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(r.body, w) {
				t.Errorf("%s has %q", tt.path, w)
			}
		}
	}
}

func TestImprintNamesTheDataSources(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	page := b.get("/impressum").body
	for _, want := range []string{`id="datenquellen"`, "Destatis", "GeoBasis-DE / BKG", "GeoNames", "dl-de/by-2-0", "CC BY 4.0"} {
		if !strings.Contains(page, want) {
			t.Errorf("imprint lacks %q", want)
		}
	}
	if home := plain(b.get("/wernigerode/").body); !strings.Contains(home, `href="/wernigerode/impressum#datenquellen"`) {
		t.Error("footer does not link the data sources")
	}
}
