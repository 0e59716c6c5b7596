package www

import (
	"regexp"
	"strings"
	"testing"
)

var kreisLink = regexp.MustCompile(`(?s)<section class="kern-stack-sm" aria-labelledby="kreise">.*?</section>`)

// TestWaysIntoThePortals: the Land's start page lists every Landkreis and
// kreisfreie Stadt, with its portal where it has one; the directory of
// Beratungsstellen is searchable statewide at /beratung; a finder result's
// "Beratung in Ihrer Nähe" opens the directory filtered by the fitting
// topic, on the Land's site and a municipality's.
func TestWaysIntoThePortals(t *testing.T) {
	t.Parallel()
	e := newCounsellingEnv(t)
	b := e.browser(t)
	home := b.get("/")
	list := kreisLink.FindString(home.body)
	links := regexp.MustCompile(`<li><a class="kern-link" href="([^"]+)">`).FindAllStringSubmatch(list, -1)
	if len(links) != 14 { // 11 Landkreise, 3 kreisfreie Städte
		t.Fatalf("start page lists %d Kreise and kreisfreie Städte, want 14", len(links))
	}
	for _, want := range []string{`href="/landkreis-harz/"`, `Landkreis Harz`, `Magdeburg`, `Halle (Saale)`, `Dessau-Roßlau`, `Altmarkkreis Salzwedel`} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %s", want)
		}
	}
	for _, l := range links {
		if r := b.get(l[1]); r.status != 200 && r.status != 303 {
			t.Errorf("%s: %d", l[1], r.status)
		}
	}
	if !strings.Contains(home.body, `href="/beratung"`) {
		t.Error("start page does not link the statewide counselling search")
	}
	r := b.get("/beratung")
	if r.status != 200 || !strings.Contains(r.body, "Schuldnerberatung Halberstadt") || !strings.Contains(r.body, "Migrationsberatung Magdeburg") {
		t.Fatalf("/beratung: %d", r.status)
	}
	if r := b.get("/beratung?thema=schuldnerberatung"); !strings.Contains(r.body, "Schuldnerberatung Halberstadt") || strings.Contains(r.body, "Migrationsberatung Magdeburg") {
		t.Error("statewide topic filter")
	}
	if r := b.get("/beratung/" + e.debt); r.status != 200 {
		t.Errorf("entry on the Land's site: %d", r.status)
	}
	answers := map[string][]string{"partner": {"no"}, "children": {"0"}, "child_care": {"no"}, "birth_year": {"1980"}, "birth_month": {"4"},
		"work_capacity": {"yes"}, "addiction": {"no"}, "education": {"none"}, "income_gross": {"900"}, "income_net": {"700"},
		"current_benefits": {"none"}, "debts": {"yes"}, "rent": {"450"}, "rent_arrears": {"no"}, "residence_status": {"german"}}
	for _, base := range []string{"/", "/landkreis-harz/"} {
		result := walk(t, b, base+"sozialleistungsfinder/", answers, e.portal)
		link := base + "beratung?thema=schuldnerberatung"
		if !strings.Contains(result, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
			t.Errorf("%s result lacks %s", base, link)
			continue
		}
		if r := b.get(link); r.status != 200 || !strings.Contains(r.body, `value="schuldnerberatung" selected`) {
			t.Errorf("%s: %d, topic not preselected", link, r.status)
		}
	}
}
