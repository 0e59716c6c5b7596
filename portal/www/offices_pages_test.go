package www

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// officeSection is the "Zuständige Stelle" section of "Jetzt beantragen".
var officeSection = regexp.MustCompile(`(?s)aria-labelledby="stelle">.*?</section>`)

// TestResponsibleOffices specifies which office "Jetzt beantragen" names
// for a service the citizen cannot apply for online on the platform: the
// office registered by whoever is responsible – the Kreis for SGB XII in
// its Gemeinden unless the service is delegated to them, the Gemeinde for
// what it runs itself, the Land's Familienkasse everywhere – and, where no
// office is registered, the responsible administration with its address.
// No page sends the citizen to "die zuständige Stelle" without naming it.
func TestResponsibleOffices(t *testing.T) {
	e := newEnv(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	resolve := func(key string) *tenant.Tenant {
		tt, err := e.store.ResolveTenant(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	land, wernigerode := resolve("15"), resolve("15085370")
	add := func(tenantID, rk, name string) {
		if err := e.portal.site.SaveOffice(ctx, &site.Office{TenantID: tenantID, Rechtskreis: rk, Name: name, Street: "Markt 1",
			PostalCode: "38820", City: "Halberstadt", Phone: "03941 5970-0", Hours: "Di 9–12 Uhr"}); err != nil {
			t.Fatal(err)
		}
	}
	add(e.harz.ID, "sgb12", "Sozialamt des Landkreises Harz")
	add(e.harz.ID, "wogg", "Wohngeldstelle des Landkreises Harz")
	add(e.harz.ID, "sgb2", "Jobcenter Landkreis Harz")
	add(wernigerode.ID, "sgb12", "Sozialamt der Stadt Wernigerode") // for what the Gemeinden run (MRH below)
	add(land.ID, "bkgg", "Familienkasse Sachsen-Anhalt-Thüringen")
	e.services.gemeinde["15085"] = []string{"mrh"} // Mietrückstände are the Gemeinden's task in Harz

	b := e.browser(t)
	for _, tt := range []struct {
		path      string
		want, not []string
	}{
		{"/wernigerode/leistungen/hzl/beantragen", []string{"Sozialamt des Landkreises Harz"}, []string{"Sozialamt der Stadt Wernigerode"}},
		{"/wernigerode/leistungen/mietrueckstaende/beantragen", []string{"Sozialamt der Stadt Wernigerode"}, []string{"Sozialamt des Landkreises Harz"}},
		{"/wernigerode/leistungen/wohngeld/beantragen", []string{"Wohngeldstelle des Landkreises Harz", "Markt 1", "03941 5970-0", "Di 9–12 Uhr"}, nil},
		{"/wernigerode/leistungen/buergergeld/beantragen", []string{"Jobcenter Landkreis Harz"}, nil},
		{"/leistungen/wohngeld/beantragen?ort=Ilsenburg", []string{"Wohngeldstelle des Landkreises Harz"}, nil},
		{"/wernigerode/leistungen/kindergeld/beantragen", []string{"Familienkasse Sachsen-Anhalt-Thüringen"}, nil},
		{"/leistungen/kinderzuschlag/beantragen?ort=Haldensleben", []string{"Familienkasse Sachsen-Anhalt-Thüringen"}, nil},
		// Landkreis Börde registered no Wohngeldstelle: its administration.
		{"/leistungen/wohngeld/beantragen?ort=Haldensleben", []string{"Landkreis Börde", "Gerikestraße 104", "39340 Haldensleben",
			"Eine eigene Stelle für diese Leistung ist hier noch nicht eingetragen."}, nil},
	} {
		r := b.get(tt.path)
		sec := officeSection.FindString(r.body)
		if r.status != 200 || sec == "" {
			t.Errorf("%s: %d, no office section", tt.path, r.status)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(sec, w) {
				t.Errorf("%s names no %q", tt.path, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(sec, n) {
				t.Errorf("%s names %q", tt.path, n)
			}
		}
	}
	// In no language and for no service is the office left unnamed.
	for lang := range e.portal.cats {
		for _, svc := range site.Services {
			for _, path := range []string{"/leistungen/" + svc.Key + "/beantragen?ort=Haldensleben", "/wernigerode/leistungen/" + svc.Key + "/beantragen"} {
				r := b.get(path + sep(path) + "lang=" + lang)
				if officeSection.FindString(r.body) == "" {
					t.Errorf("%s %s: no office named", lang, path)
				}
				if strings.Contains(r.body, "wenden Sie sich an die zuständige Stelle") {
					t.Errorf("%s %s: unnamed office", lang, path)
				}
			}
		}
	}
	// Wernigerode's start page names its Kreis' offices per Rechtskreis,
	// its own for what it runs, and the Familienkasse.
	home := b.get("/wernigerode/?lang=de").body
	for _, w := range []string{"Jobcenter Landkreis Harz", "Sozialamt des Landkreises Harz", "Sozialamt der Stadt Wernigerode",
		"Wohngeldstelle des Landkreises Harz", "Familienkasse Sachsen-Anhalt-Thüringen", "Kindergeld und Kinderzuschlag (Familienkasse)"} {
		if !strings.Contains(home, w) {
			t.Errorf("/wernigerode/ lacks %q", w)
		}
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// TestServicePagesStateTheFindersAmounts: the information pages of
// Bürgergeld, HzL, Grundsicherung, BuT, Kindergeld and Kinderzuschlag state
// the monthly amounts of the finder's rules for the day, in every
// language; a change of the rules' figures shows on the pages.
func TestServicePagesStateTheFindersAmounts(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	at := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
	value := func(id string) float64 {
		p, ok := e.portal.rules.Parameter(id)
		if !ok {
			t.Fatalf("no parameter %s", id)
		}
		v, err := p.At(at)
		if err != nil {
			t.Fatal(err)
		}
		return v.Value
	}
	regel := []string{"rbs1", "rbs2", "rbs3", "rbs4", "rbs5", "rbs6"}
	for svc, params := range map[string][]string{"buergergeld": regel, "hzl": regel, "grusi": regel,
		"but": {"schulbedarf_1", "schulbedarf_2"}, "kindergeld": {"kindergeld"}, "kinderzuschlag": {"kinderzuschlag", "kiz_min_couple", "kiz_min_single"}} {
		for lang, cat := range e.portal.cats {
			r := b.get("/leistungen/" + svc + "?lang=" + lang)
			sec := regexp.MustCompile(`(?s)aria-labelledby="betraege">.*?</section>`).FindString(r.body)
			if sec == "" {
				t.Errorf("%s %s: no amounts", lang, svc)
				continue
			}
			for _, id := range params {
				if m := cat.Money(value(id)); !strings.Contains(sec, m) {
					t.Errorf("%s %s: amount %s (%s) missing", lang, svc, m, id)
				}
			}
		}
	}
	// The figures the finding F30 names, in German (the language is
	// remembered in a cookie, so it is named).
	for path, want := range map[string][]string{
		"/leistungen/buergergeld?lang=de":    {"563 €", "506 €", "357 €"},
		"/leistungen/but?lang=de":            {"130 €", "65 €"},
		"/leistungen/kinderzuschlag?lang=de": {"297 €"},
		"/leistungen/kindergeld?lang=de":     {"259 €"},
	} {
		body := b.get(path).body
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %s", path, w)
			}
		}
	}
	for _, svc := range []string{"wohngeld", "bafoeg", "wbs"} {
		if strings.Contains(b.get("/leistungen/"+svc).body, `aria-labelledby="betraege"`) {
			t.Errorf("%s states amounts the finder does not know", svc)
		}
	}
}

// TestMunicipalityPageLinksAppointmentCalendars: a municipality's start
// page links its own appointment calendars, a Gemeinde's also its Kreis'.
func TestMunicipalityPageLinksAppointmentCalendars(t *testing.T) {
	e := newCounsellingEnv(t)
	b := e.browser(t)
	for _, path := range []string{"/landkreis-harz/", "/wernigerode/"} {
		body := b.get(path).body
		link := `href="/landkreis-harz/termine/kalender/` + e.office.ID + `"`
		if !strings.Contains(body, link) || !strings.Contains(body, "Sozialamt – Sprechstunde") {
			t.Errorf("%s does not link the Sozialamt's calendar", path)
		}
		if r := b.get("/landkreis-harz/termine/kalender/" + e.office.ID); r.status != 200 {
			t.Errorf("calendar: %d", r.status)
		}
	}
	if !strings.Contains(b.get("/wernigerode/").body, "Kalender von") {
		t.Error("Wernigerode does not say whose calendar it is")
	}
}
