package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// TestRouteTablesHoldTheirInvariants walks every surface's route table –
// console, citizen portal, API and the server's transport endpoints – and
// checks what each route must state: a login or a reason to be public, its
// access, a form token or a reason on every state-changing route, a
// {token}/{secret} name on every secret path segment and only there, and
// no two routes that collide.
func TestRouteTablesHoldTheirInvariants(t *testing.T) {
	t.Parallel()
	a, _ := testApp(t)
	rt := a.routes
	tables := map[string][]web.Route{"console": rt.console, "portal": a.portal.Routes(), "api": rt.api, "transport": rt.transport}
	for name, table := range tables {
		if len(table) == 0 {
			t.Errorf("%s: empty table", name)
		}
		for _, err := range web.CheckRoutes(table) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Console, API and transport share the server's ServeMux: no route of
	// one may collide with another's.
	for _, err := range web.CheckRoutes(slices.Concat(rt.console, rt.api, rt.transport)) {
		if strings.Contains(err.Error(), "collides") || strings.Contains(err.Error(), "twice") {
			t.Errorf("server: %v", err)
		}
	}

	// The routes that carry a secret in their path are marked, and so
	// named that the access log redacts them.
	secret := map[string]bool{}
	for _, table := range tables {
		for _, r := range table {
			if r.Secret {
				secret[r.Key()] = true
			}
		}
	}
	for _, want := range []string{"GET /admin/passwort/neu/{token}", "POST /admin/einladung/{token}", "GET /kalender/{id}/{token}",
		"POST /marktplatz/registrierung/bestaetigen/{token}", "POST /api/v1/invitations/{token}/accept",
		"GET /servicekonto/passwort/{token}", "POST /servicekonto/bestaetigen/{token}", "GET /termine/buchung/{token}/termin.ics",
		"POST /termine/absagen/{token}"} {
		if !secret[want] {
			t.Errorf("%s is not a secret route of any table", want)
		}
	}

	// Uploads get their larger limits from the table; nothing else does.
	limits := map[string]int64{}
	for _, table := range [][]web.Route{rt.console, a.portal.Routes(), rt.api} {
		for _, r := range table {
			if r.Limit() != web.DefaultBodyLimit {
				limits[r.Key()] = r.Limit()
			}
		}
	}
	for _, want := range []string{"POST /admin/anbindung/fall/{cid}/checkliste/{iid}/anhang",
		"POST /antrag/{strecke}/entwurf/{draft}/unterlagen", "POST /api/v1/onboarding-cases/{caseId}/checklist/{itemId}/attachments"} {
		if limits[want] <= web.DefaultBodyLimit {
			t.Errorf("%s: body limit %d, want more than the default", want, limits[want])
		}
		delete(limits, want)
	}
	if len(limits) > 0 {
		t.Errorf("unexpected larger body limits: %v", limits)
	}
}

// TestBodyLimitsFollowTheRoutes sends bodies just over the default limit:
// the upload routes take them (and answer for their own reasons), every
// other route refuses them with 413 before its handler reads them.
func TestBodyLimitsFollowTheRoutes(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t)
	big := strings.Repeat("x", web.DefaultBodyLimit+1024)
	for _, tc := range []struct {
		path    string
		tooLong bool
	}{
		{"/admin/anmelden", true},
		{"/landkreis-harz/barrierefreiheit", true},
		{"/api/v1/session", true},
		{"/admin/anbindung/fall/x/checkliste/y/anhang", false},
		{"/landkreis-harz/antrag/hzl/entwurf/x/unterlagen", false},
	} {
		resp, err := http.Post(srv.URL+tc.path, "application/x-www-form-urlencoded", strings.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.StatusCode == http.StatusRequestEntityTooLarge; got != tc.tooLong {
			t.Errorf("POST %s with %d bytes: status %d, want 413: %v", tc.path, len(big), resp.StatusCode, tc.tooLong)
		}
	}
}

// TestEveryRoutedSegmentIsAReservedSlug checks that each first path
// segment of every table – the server's and the portal's, whose pages
// exist at the root too – that a tenant slug could take is reserved in
// tenant: a tenant with that slug could never be reached at /{slug}/. A
// new top-level route fails this test until tenant's list learns it.
func TestEveryRoutedSegmentIsAReservedSlug(t *testing.T) {
	t.Parallel()
	a, _ := testApp(t)
	segments := map[string]bool{}
	for _, table := range [][]web.Route{a.routes.console, a.routes.api, a.routes.transport, a.portal.Routes()} {
		for _, r := range table {
			segments[firstSegment(r.Pattern)] = true
		}
	}
	var checked []string
	for s := range segments {
		if s == "" || strings.HasPrefix(s, "{") || strings.Contains(s, ".") {
			continue // "", "{$}", "marke.css": no slug looks like that
		}
		checked = append(checked, s)
		if !tenant.ReservedSlug(s) {
			t.Errorf("the server routes /%s/, but a tenant may take the slug %q: add it to tenant's reserved slugs", s, s)
		}
	}
	slices.Sort(checked)
	for _, want := range []string{"admin", "api", "static", "marktplatz", "servicekonto", "beratung", "healthz", "readyz", "metrics", "fit-connect"} {
		if !slices.Contains(checked, want) {
			t.Errorf("the route tables lack /%s/: %v", want, checked)
		}
	}
	t.Logf("routed first segments: %v", checked)
}

func firstSegment(pattern string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(pattern, "/"), "/")
	return seg
}
