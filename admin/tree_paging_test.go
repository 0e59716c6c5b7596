package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// At the Land's size a Kreis has over a hundred Gemeinden and the Land
// 2,000 counselling organisations: the start page names their number
// instead of listing each, and the tenant's page lists its children a
// page at a time.
func TestLargeTenantGroupsAreFoldedAndPaged(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n = 130
	for i := range n {
		key := fmt.Sprintf("15085%03d", 600+i)
		g := &tenant.Tenant{Kind: tenant.KindGemeinde, OfficialKey: &key, Name: fmt.Sprintf("Gemeinde Probe %03d", i), ParentID: &e.harz.ID, Active: true}
		if err := e.store.CreateTenant(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)

	start := ministry.get("/admin/")
	if start.status != http.StatusOK {
		t.Fatalf("start page: %d", start.status)
	}
	if start.has("Gemeinde Probe 042") {
		t.Error("the start page lists each of 130 Gemeinden")
	}
	if !strings.Contains(start.text(), "Darunter außerdem 130 × Gemeinde") || !start.has(`href="/admin/koerperschaften/`+e.harz.ID+`#darunter"`) {
		t.Errorf("the start page does not name the folded Gemeinden with a link:\n%s", start.text())
	}
	if !start.has(">Landkreis Wittenberg</a>") {
		t.Error("small groups are no longer listed")
	}

	// Walk the pages of Harz's children: each Gemeinde once, in order.
	next := regexp.MustCompile(`href="([^"]+\?ab=[^"]+)">Weitere Körperschaften darunter`)
	row := regexp.MustCompile(`>Gemeinde Probe (\d{3})</a>`)
	var seen []string
	path := "/admin/koerperschaften/" + e.harz.ID
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("more pages than 130 children need")
		}
		p := ministry.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		got := row.FindAllStringSubmatch(p.body, -1)
		if pages == 0 && len(got) != 100 {
			t.Errorf("first page lists %d children, want 100", len(got))
		}
		for _, m := range got {
			seen = append(seen, m[1])
		}
		if pages > 0 && !p.has(">Zum Anfang der Liste</a>") {
			t.Error("a later page has no way back to the first")
		}
		path = ""
		if m := next.FindStringSubmatch(p.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(seen) != n {
		t.Fatalf("the pages list %d children, want %d", len(seen), n)
	}
	for i, s := range seen {
		if want := fmt.Sprintf("%03d", i); s != want {
			t.Fatalf("child %d is %s, want %s (each once, in order)", i, s, want)
		}
	}
	// A garbled position starts from the first page.
	if p := ministry.get("/admin/koerperschaften/" + e.harz.ID + "?ab=kaputt"); p.status != http.StatusOK || !p.has(">Gemeinde Probe 000</a>") {
		t.Errorf("garbled position: status %d", p.status)
	}
}
