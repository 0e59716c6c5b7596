package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant/web"
)

// secretRoute matches a route pattern (as ServeMux or huma take it) with a
// wildcard that carries a secret: its name contains "token" or "secret",
// the convention web.Logging redacts by.
var secretRoute = regexp.MustCompile(`^(?:(GET|POST|PUT|PATCH|DELETE) )?(/\S*\{[A-Za-z]*(?:[Tt]oken|[Ss]ecret)[A-Za-z]*(?:\.\.\.)?\}\S*)$`)

// tokenedRoute is one route that carries a secret in its path, found in
// the source.
type tokenedRoute struct {
	method, pattern, file string
}

// tokenedRoutes lists every route pattern with a secret wildcard in the
// program's source (tests excluded), with the prefix under which it is
// served: "/api" for the JSON API, every portal site for the portal's own
// tables. A new route with a {token} is therefore walked without being
// named here.
func tokenedRoutes(t *testing.T) []tokenedRoute {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var out []tokenedRoute
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if d.Name() == "links.go" { // link builders fill routes of the tables, they declare none (links_test.go)
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if m := secretRoute.FindStringSubmatch(s); m != nil {
				out = append(out, tokenedRoute{method: m[1], pattern: m[2], file: filepath.ToSlash(rel)})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTokenedRoutesNeverLogTheirSecret walks every route with a secret in
// its path – password reset, Servicekonto confirmation, appointment
// booking and cancellation, calendar feed, invitation, registration
// confirmation, in the console, the API and every portal site – and checks
// that neither the access log nor any other log line holds the secret.
func TestTokenedRoutesNeverLogTheirSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _, err := parseConfig("test", []string{"--db", testdb.MigratedDSN(t), "--data-dir", t.TempDir()}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := newApp(ctx, cfg, newLogger(logs, "debug"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	if _, err := a.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(a, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}

	routes := tokenedRoutes(t)
	want := []string{"/admin/passwort/neu/{token}", "/admin/einladung/{token}", "/kalender/{id}/{token}",
		"/marktplatz/registrierung/bestaetigen/{token}", "/v1/invitations/{token}/accept", "/v1/password-resets/{token}",
		"/servicekonto/passwort/{token}", "/servicekonto/bestaetigen/{token}", "/termine/buchung/{token}",
		"/termine/buchung/{token}/termin.ics", "/termine/absagen/{token}"}
	for _, w := range want {
		if !slices.ContainsFunc(routes, func(r tokenedRoute) bool { return r.pattern == w }) {
			t.Errorf("route %s not found in the source: did its wildcard lose its name?", w)
		}
	}

	// Each route is requested where it is served (every portal site, the
	// API below /api) and where it is not (a portal path without a site, a
	// wrong method): the secret must stay out of the log either way.
	secrets := map[string]bool{}
	requests := 0
	for _, rt := range routes {
		mounts, strays := []string{""}, []string{}
		switch {
		case strings.HasPrefix(rt.file, "portal/www/"):
			mounts, strays = []string{"/landkreis-harz", "/landkreis-wittenberg"}, []string{"", "/gibt-es-nicht"}
		case strings.HasSuffix(filepath.Dir(rt.file), "/api"):
			mounts, strays = []string{"/api"}, []string{""}
		}
		for _, prefix := range append(mounts, strays...) {
			matched := false
			for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
				secret := "Geheim" + randomHex(t)
				secrets[secret] = true
				path := prefix + fillWildcards(rt.pattern, secret)
				req := httptest.NewRequest(method, path, strings.NewReader(""))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				requests++
				line := accessLine(t, logs.String(), w.Header().Get(web.RequestIDHeader))
				if line == nil {
					t.Errorf("%s %s: no access log line", method, path)
					continue
				}
				if p, _ := line["path"].(string); strings.Contains(p, secret) || !strings.Contains(p, "{") {
					t.Errorf("%s %s (%s, %d): logged path %q", method, path, rt.file, w.Code, p)
				}
				if r, _ := line["route"].(string); strings.HasSuffix(r, rt.pattern) {
					matched = true
				}
			}
			if !matched && slices.Contains(mounts, prefix) {
				t.Errorf("%s%s: no request reached the route", prefix, rt.pattern)
			}
		}
	}
	all := logs.String()
	for s := range secrets {
		if strings.Contains(all, s) {
			t.Fatalf("a secret path segment reached the log:\n%s", all)
		}
	}
	t.Logf("%d tokened route patterns, %d requests, no secret in %d bytes of log", len(routes), requests, len(all))
}

// fillWildcards puts secret into the secret wildcards of pattern and a
// harmless value into the others.
func fillWildcards(pattern, secret string) string {
	var b strings.Builder
	for _, seg := range strings.Split(strings.TrimPrefix(pattern, "/"), "/") {
		b.WriteString("/")
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			b.WriteString(seg)
			continue
		}
		name = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(name, "}"), "..."))
		if strings.Contains(name, "token") || strings.Contains(name, "secret") {
			b.WriteString(secret)
		} else {
			b.WriteString("x1")
		}
	}
	return b.String()
}

func randomHex(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// accessLine finds the access log line of a request.
func accessLine(t *testing.T, logs, requestID string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(logs, "\n") {
		if !strings.Contains(l, requestID) || !strings.Contains(l, `"msg":"request"`) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["request_id"] == requestID {
			return m
		}
	}
	return nil
}
