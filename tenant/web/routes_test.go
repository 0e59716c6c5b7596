package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckRoutesFindsEveryViolation(t *testing.T) {
	h := http.NotFoundHandler()
	staff := func(method, pattern string) Route {
		return Route{Method: method, Pattern: pattern, Handler: h, Login: Staff, Access: PerTenant}
	}
	for _, tc := range []struct {
		name  string
		route Route
		want  string // part of the error, "" for none
	}{
		{"staff page", staff("GET", "/admin/konto"), ""},
		{"staff form with token", func() Route { r := staff("POST", "/admin/konto"); r.CSRF = FormToken; return r }(), ""},
		{"public page with reason", Route{Method: "GET", Pattern: "/impressum", Handler: h, Public: true, Reason: "information"}, ""},
		{"no handler", Route{Method: "GET", Pattern: "/x", Login: Staff, Access: PerTenant}, "no handler"},
		{"no login, not public", Route{Method: "GET", Pattern: "/x", Handler: h}, "not declared public"},
		{"public without reason", Route{Method: "GET", Pattern: "/x", Handler: h, Public: true}, "public without a reason"},
		{"public with login", Route{Method: "GET", Pattern: "/x", Handler: h, Public: true, Reason: "r", Login: Staff, Access: PerTenant}, "declares login"},
		{"login without access", Route{Method: "GET", Pattern: "/x", Handler: h, Login: Staff}, "without access"},
		{"POST without token or reason", staff("POST", "/x"), "without a form token"},
		{"POST without token, with reason", func() Route { r := staff("POST", "/x"); r.Reason = "signed"; return r }(), ""},
		{"token on a GET", func() Route { r := staff("GET", "/x"); r.CSRF = FormToken; return r }(), "never sent"},
		{"secret not named", func() Route { r := staff("GET", "/x/{id}"); r.Secret = true; return r }(), "names no {token}"},
		{"named secret not marked", staff("GET", "/x/{token}"), "not marked Secret"},
		{"named secret marked", func() Route { r := staff("GET", "/x/{token}"); r.Secret = true; return r }(), ""},
		{"bad pattern", staff("GET", "x"), "does not start with /"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := CheckRoutes([]Route{tc.route})
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("errors %v, want none", errs)
				}
				return
			}
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("errors %v, want one with %q", errs, tc.want)
			}
		})
	}
}

func TestCheckRoutesFindsCollisions(t *testing.T) {
	h := http.NotFoundHandler()
	r := func(pattern string) Route {
		return Route{Method: "GET", Pattern: pattern, Handler: h, Public: true, Reason: "test"}
	}
	if errs := CheckRoutes([]Route{r("/a/{x}"), r("/a/{x}")}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "twice") {
		t.Errorf("same route twice: %v", errs)
	}
	if errs := CheckRoutes([]Route{r("/a/{x}/b"), r("/a/c/{y}")}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "collides") {
		t.Errorf("overlapping routes: %v", errs)
	}
	if errs := CheckRoutes([]Route{r("/a/{x}"), r("/a/b")}); len(errs) != 0 {
		t.Errorf("a more specific route is no collision: %v", errs)
	}
}

func TestBodyLimitsTakeTheLimitOfTheRoute(t *testing.T) {
	h := http.NotFoundHandler()
	routes := []Route{
		{Method: "POST", Pattern: "/upload/{id}", Handler: h, BodyLimit: 10},
		{Method: "POST", Pattern: "/form", Handler: h},
	}
	read := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 64)
		n, err := r.Body.Read(buf)
		for err == nil {
			var m int
			m, err = r.Body.Read(buf)
			n += m
		}
		if strings.Contains(err.Error(), "too large") {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	limited := BodyLimits(routes)(read)
	for _, tc := range []struct {
		path string
		size int
		want int
	}{
		{"/upload/1", 10, http.StatusOK},
		{"/upload/1", 11, http.StatusRequestEntityTooLarge},
		{"/form", 11, http.StatusOK}, // the default limit, 1 MiB
		{"/form", DefaultBodyLimit + 1, http.StatusRequestEntityTooLarge},
		{"/elsewhere", DefaultBodyLimit + 1, http.StatusRequestEntityTooLarge},
	} {
		w := httptest.NewRecorder()
		limited.ServeHTTP(w, httptest.NewRequest("POST", tc.path, strings.NewReader(strings.Repeat("x", tc.size))))
		if w.Code != tc.want {
			t.Errorf("POST %s with %d bytes: %d, want %d", tc.path, tc.size, w.Code, tc.want)
		}
	}
}

func TestLinkFillsTheWildcardsOfAPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		values  []string
		want    string
	}{
		{"/admin/einladung/{token}", []string{"abc"}, "https://s.example/admin/einladung/abc"},
		{"/{site}/termine/buchung/{token}/termin.ics", []string{"landkreis-harz", "t1"}, "https://s.example/landkreis-harz/termine/buchung/t1/termin.ics"},
		{"/marktplatz/{$}", nil, "https://s.example/marktplatz/"},
		{"/admin/rollout", nil, "https://s.example/admin/rollout"},
		{"/admin/beratung/{id}", []string{"a/b c"}, "https://s.example/admin/beratung/a%2Fb%20c"},
	} {
		if got := Link("https://s.example/", tc.pattern, tc.values...); got != tc.want {
			t.Errorf("Link(%s, %v) = %s, want %s", tc.pattern, tc.values, got, tc.want)
		}
	}
}
