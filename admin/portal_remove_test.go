package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// TestPortalRemove specifies the "Entfernen" buttons of the portal page
// (portalconfig's remove): each asks first, naming what goes and the
// portal it leaves, removes only after the answer, and a second removal
// of the same entry changes nothing.
func TestPortalRemove(t *testing.T) {
	t.Parallel()
	e := portalEnv(t)
	page := "/admin/koerperschaften/" + e.harz.ID + "/portal"
	harz := e.client()
	harz.login("admin@kreis-harz.de", harzPW)
	if p := harz.submit(page, page+"/stellen", url.Values{"rechtskreis": {"sgb2"}, "name": {"Jobcenter Harz, Geschäftsstelle Wernigerode"},
		"officeEmail": {"jc@harz.example"}, "street": {"Friedrich-Ebert-Straße 42"}, "postalCode": {"38820"}, "city": {"Halberstadt"},
		"officePhone": {"03941 5970-0"}, "officeHours": {"Di 9–12 Uhr"}}); p.status != http.StatusOK {
		t.Fatalf("add office = %d\n%s", p.status, p.body)
	}
	if p := harz.submit(page, page+"/videos", url.Values{"videoTitle": {"Bürgergeld in DGS"},
		"videoUrl": {"https://video.example/dgs-buergergeld"}}); p.status != http.StatusOK {
		t.Fatalf("add video = %d\n%s", p.status, p.body)
	}
	p := harz.get(page)
	for _, c := range []struct{ kind, heading, text, shown, notice string }{
		{"stellen", "Stelle entfernen?", "Die Stelle wird aus dem Bürgerportal von", "Jobcenter Harz, Geschäftsstelle Wernigerode", "Die Stelle wurde entfernt."},
		{"videos", "Video entfernen?", "Das Video wird aus dem Bürgerportal von", "Bürgergeld in DGS", "Das Video wurde entfernt."},
	} {
		m := regexp.MustCompile(`action="(` + regexp.QuoteMeta(page) + `/` + c.kind + `/[^/"]+/entfernen)"`).FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("%s: no remove button on the page", c.kind)
		}
		ask := harz.submit(page, m[1], url.Values{})
		if !ask.has(c.heading) || !ask.has(c.text+" "+e.harz.Name+" entfernt.") {
			t.Errorf("%s: confirmation = %d\n%s", c.kind, ask.status, ask.body)
		}
		if still := harz.get(page); !still.has(c.shown) {
			t.Errorf("%s: removed before the answer", c.kind)
		}
		done := harz.confirm(ask)
		if done.status != http.StatusOK || done.has(c.shown) || !done.has(c.notice) {
			t.Errorf("%s: after confirming = %d, still shown: %v", c.kind, done.status, done.has(c.shown))
		}
		// The same button again (a second tab): nothing left to remove.
		again := harz.confirm(harz.submit(page, m[1], url.Values{}))
		if again.status != http.StatusOK || !again.has("Der Eintrag wurde nicht gefunden; vielleicht wurde er schon entfernt.") {
			t.Errorf("%s: second removal = %d", c.kind, again.status)
		}
	}
}
