package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"sozialplattform/admin"
	"sozialplattform/marketplace"
	"sozialplattform/portal/www"
	"sozialplattform/tenant"
	"sozialplattform/tenant/web"
)

// TestLinksResolveToRoutes builds every link the surfaces give the
// domains – each field of each domain's Links – and resolves it in the
// route table of the surface that provides it: every link must name a GET
// route that the table serves exactly (filling that route's pattern with
// the same values gives the same link, but for a query that filters the
// page), never a catch-all 404 page. The
// portal's table is relative to a site: its links start with the site's
// slug, which the portal strips before it dispatches. A domain's mail can
// then only point to a page that exists.
func TestLinksResolveToRoutes(t *testing.T) {
	t.Parallel()
	a, _ := testApp(t)
	const base = "https://sozial.example"
	values := []string{"landkreis-harz", "v2", "v3"} // the first is a site's slug on the portal
	surfaces := []struct {
		name   string
		routes []web.Route
		site   bool // links start with a site's slug, the table is below it
		links  []any
	}{
		{"console", a.routes.console, false, []any{admin.TenantLinks(base), admin.MarketLinks(base), admin.OnboardingLinks(base),
			admin.DeliveryLinks(base), admin.CounsellingLinks(base)}},
		{"portal", a.portal.Routes(), true, []any{www.FormsLinks(base), www.CitizenLinks(base), www.AppointmentLinks(base)}},
	}
	for _, s := range surfaces {
		mux := http.NewServeMux()
		for _, r := range s.routes {
			mux.Handle(r.Key(), http.NotFoundHandler())
		}
		for _, set := range s.links {
			v := reflect.ValueOf(set)
			for i := range v.NumField() {
				name := v.Type().String() + "." + v.Type().Field(i).Name
				l, ok := v.Field(i).Interface().(tenant.Link)
				if !ok || l == nil {
					t.Errorf("%s: %s is not set", s.name, name)
					continue
				}
				// A query only narrows the page (a list's filter); the path
				// must be the route's.
				link, _, _ := strings.Cut(l.To(values...), "?")
				prefix, vals := base, values
				if s.site {
					prefix, vals = base+"/"+values[0], values[1:]
				}
				path, found := strings.CutPrefix(link, prefix)
				if !found {
					t.Errorf("%s: %s = %q, not below %s", s.name, name, link, prefix)
					continue
				}
				_, pattern := mux.Handler(httptest.NewRequest(http.MethodGet, path, nil))
				method, routePattern, _ := strings.Cut(pattern, " ")
				if method != http.MethodGet || web.Link(prefix, routePattern, vals...) != link {
					t.Errorf("%s: %s = %s resolves to %q, not to a GET route of the table", s.name, name, path, pattern)
				}
			}
		}
	}
}

// TestDemoPreviewsOpenServicePages: the demo catalogue's "Zur Vorschau"
// opens the portal's page of the service on this server, not a placeholder
// host that does not resolve (finding m25).
func TestDemoPreviewsOpenServicePages(t *testing.T) {
	t.Parallel()
	a, srv := demoConsole(t, false)
	cat, err := a.market.ListProducts(t.Context(), marketplace.CatalogueFilter{})
	if err != nil {
		t.Fatal(err)
	}
	previews := 0
	for _, p := range cat.Items {
		if p.PreviewURL == "" {
			continue
		}
		previews++
		u, err := url.Parse(p.PreviewURL)
		// The host is the platform's configured address, as in every mail
		// link; the test server listens elsewhere.
		if err != nil || u.Host == "sozialplattform.example" || !strings.HasPrefix(u.Path, "/leistungen/") {
			t.Errorf("%s: preview %q is not a service page of the portal", p.Number, p.PreviewURL)
			continue
		}
		resp, err := srv.Client().Get(srv.URL + u.Path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: preview %s answers %d", p.Number, u.Path, resp.StatusCode)
		}
	}
	if previews < 4 {
		t.Errorf("%d products with a preview, want the four Antragsstrecken GruSi, HzL, AsylbLG and Mietrückstände", previews)
	}
}
