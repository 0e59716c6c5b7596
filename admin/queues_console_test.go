package admin_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// queueLine is a task of the start page's work list: its count and link.
var queueLine = regexp.MustCompile(`(?s)<span class="app-task__count">(\d+)</span>\s*<a class="kern-link" href="([^"]+)">([^<]+)</a>`)

// listRows counts the entries a list page shows: the items of a work
// list (/admin/arbeitsliste/…) or the body rows of its table.
func listRows(page string) int {
	if n := strings.Count(page, `class="app-queue__item"`); n > 0 {
		return n
	}
	n := 0
	for _, body := range strings.Split(page, "<tbody")[1:] {
		body, _, _ = strings.Cut(body, "</tbody>")
		n += strings.Count(body, "<tr")
	}
	return n
}

// Issue 16 (3): every queue of the ministry's Aufgaben opens a list of
// exactly the entries it counts – the go-live requests and expiring
// certificates included, which once led to the whole Umsetzungsstand.
func TestMinistryQueuesOpenTheirEntries(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, delivery: true, worldOptions: worldOptions{demo: true, counselling: true}})
	ctx := context.Background()
	if err := e.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	e.loadCounsellingDemo()
	m := e.client()
	m.login("ministerium@demo.example", tenant.DemoPassword)
	start := m.mustPage(http.StatusOK, "/admin/")
	found := queueLine.FindAllStringSubmatch(start, -1)
	if len(found) < 8 {
		t.Fatalf("%d queues on the ministry's start page, want 8:\n%s", len(found), start)
	}
	counted := 0
	for _, q := range found {
		count, _ := strconv.Atoi(q[1])
		href, label := html.UnescapeString(q[2]), html.UnescapeString(q[3])
		rows := listRows(m.mustPage(http.StatusOK, href))
		if rows != count {
			t.Errorf("%q counts %d, its list %s shows %d", label, count, href, rows)
		}
		if count > 0 {
			counted++
		}
		t.Logf("%s: %d (%s)", label, count, href)
	}
	if counted < 3 {
		t.Errorf("only %d queues hold entries in the demo: the comparison says little", counted)
	}
	// A queue the person's list does not hold is not found.
	h := e.client()
	h.login("harz@demo.example", tenant.DemoPassword)
	h.mustPage(http.StatusNotFound, "/admin/arbeitsliste/livegang")
	m.mustPage(http.StatusNotFound, "/admin/arbeitsliste/gibt-es-nicht")
}
