package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"testing"

	"sozialplattform/admin"
	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/authz"
)

// At the Land's size the ministry sees 2,000 Beratungsstellen: the
// directory's list shows them a page at a time, names how many there are
// in all, and keeps the filter from page to page.
func TestCounsellingListIsPaged(t *testing.T) {
	ctx := context.Background()
	var dir *counselling.Store
	e := newEnvWith(t, envOptions{deps: func(d *admin.Deps) {
		for _, rules := range [][]authz.Rule{counselling.Rules(), appointments.Rules()} {
			if err := authz.SyncRules(ctx, d.Store.DB().Write, rules); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Authz.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		var err error
		if dir, err = counselling.NewStore(d.Store.DB(), d.Store, nil, counselling.Options{}); err != nil {
			t.Fatal(err)
		}
		if d.Appointments, err = appointments.NewStore(d.Store.DB(), nil, appointments.Options{}); err != nil {
			t.Fatal(err)
		}
		d.Counselling = dir
	}})
	if err := dir.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 230 // every 23rd of the first 130 and the last 100 in Wittenberg, the others in Harz
	for i := range n {
		parent, city := e.harz.ID, "Halberstadt"
		if i%23 == 0 || i >= 130 {
			parent, city = e.wittenberg.ID, "Wittenberg"
		}
		en := counselling.Entry{Name: fmt.Sprintf("Beratung Probe %03d", i), Provider: "Diakonie", Topics: []string{counselling.TopicDebt},
			Addresses: []counselling.Address{{Street: "Markt 1", PostalCode: "38820", City: city, Lat: 51.89, Lon: 11.05}},
			Phone:     "03941 555-1", Ways: []string{"on-site"}}
		if _, err := dir.Create(ctx, counselling.CreateInput{ParentID: parent, Entry: en, Direct: true}); err != nil {
			t.Fatal(err)
		}
	}
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)

	next := regexp.MustCompile(`href="([^"]+\?[^"]*ab=[^"]+)">Weitere Beratungsstellen`)
	row := regexp.MustCompile(`>Beratung Probe (\d{3})</a>`)
	walk := func(path string) (seen []string, first page) {
		t.Helper()
		for pages := 0; path != ""; pages++ {
			if pages > 4 {
				t.Fatal("more pages than the centres need")
			}
			p := ministry.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", path, p.status)
			}
			if pages == 0 {
				first = p
			} else if !p.has(">Zum Anfang der Liste</a>") {
				t.Errorf("%s: a later page has no way back to the first", path)
			}
			got := row.FindAllStringSubmatch(p.body, -1)
			if len(got) > 100 {
				t.Errorf("%s lists %d centres, at most 100 a page", path, len(got))
			}
			for _, m := range got {
				seen = append(seen, m[1])
			}
			path = ""
			if m := next.FindStringSubmatch(p.body); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		return seen, first
	}

	tests := []struct {
		name, path string
		want       func(i int) bool
		caption    string
	}{
		{"all", "/admin/beratung/", func(int) bool { return true }, "230 Beratungsstellen in Ihrem Bereich, hier 100"},
		{"name filter", "/admin/beratung/?q=Probe+1", func(i int) bool { return i >= 100 && i < 200 }, "100 Beratungsstellen in Ihrem Bereich"},
		{"state filter", "/admin/beratung/?stand=published", func(int) bool { return true }, "230 Beratungsstellen"},
		{"one hit", "/admin/beratung/?q=Probe+007", func(i int) bool { return i == 7 }, "1 Beratungsstelle in Ihrem Bereich<"},
	}
	for _, tc := range tests {
		seen, first := walk(tc.path)
		var want []string
		for i := range n {
			if tc.want(i) {
				want = append(want, fmt.Sprintf("%03d", i))
			}
		}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("%s: the pages list %v,\nwant each once, in order: %v", tc.name, seen, want)
		}
		if !first.has(tc.caption) {
			t.Errorf("%s: first page does not say %q:\n%s", tc.name, tc.caption, first.text())
		}
	}

	// A Kreis sees its own, counted as its own.
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)
	first := harz.get("/admin/beratung/")
	own := 0
	for i := range 130 {
		if i%23 != 0 {
			own++
		}
	}
	if caption := fmt.Sprintf("%d Beratungsstellen in Ihrem Bereich", own); !first.has(caption) {
		t.Errorf("Harz's list does not say %q:\n%s", caption, first.text())
	}
	if first.has("Beratung Probe 023") {
		t.Error("Harz's list shows a centre of Wittenberg")
	}
}
