package admin_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// phaseCell is a phase cell of the Umsetzungsstand: its badges.
var phaseCell = regexp.MustCompile(`<ul class="app-phase-counts">(.*?)</ul>`)

// Findings m15 and m18: the Umsetzungsstand shows per phase how many
// cases completed it, work in it and have not begun it – a case stuck
// behind the others is not hidden behind the furthest stand – and the
// side navigation names it, while "Anbindung" is a page of its own.
func TestRolloutShowsEveryStand(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, delivery: true, worldOptions: worldOptions{demo: true}})
	if err := e.onboard.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := e.client()
	m.login("ministerium@demo.example", tenant.DemoPassword)
	page := m.mustPage(http.StatusOK, "/admin/rollout")
	mixed := 0
	for _, c := range phaseCell.FindAllStringSubmatch(page, -1) {
		if strings.Count(c[1], "<li>") > 1 {
			mixed++
		}
		if strings.Contains(c[1], "abgeschlossen") && !regexp.MustCompile(`\d+ abgeschlossen`).MatchString(c[1]) {
			t.Errorf("a phase cell without its count: %s", c[1])
		}
	}
	// The demo has Antragsstrecken whose municipalities stand in
	// different places of one phase: each such cell names all of them.
	if mixed == 0 || !regexp.MustCompile(`\d+ laufend`).MatchString(page) || !regexp.MustCompile(`\d+ nicht begonnen`).MatchString(page) {
		t.Errorf("no phase cell shows cases in more than one stand (%d mixed):\n%s", mixed, page)
	}
	if !strings.Contains(page, `<a href="/admin/rollout" aria-current="page">Umsetzungsstand</a>`) ||
		strings.Contains(page, `<a href="/admin/anbindung/" aria-current="page">`) {
		t.Error("the side navigation does not mark the Umsetzungsstand as the current page")
	}
	hub := m.mustPage(http.StatusOK, "/admin/anbindung/")
	if !strings.Contains(hub, "Die Anbindung begleiten") || !strings.Contains(hub, `<a href="/admin/anbindung/" aria-current="page">`) {
		t.Errorf("the ministry's Anbindung is not a page of its own:\n%s", hub)
	}
}
