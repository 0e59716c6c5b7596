package www

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

// fakeServices is onboarding as the portal sees it.
type fakeServices struct {
	mu       sync.Mutex
	live     map[string][]string // tenant ID → live Antragsstrecken
	gemeinde map[string][]string // Kreisschlüssel → Antragsstrecken its Gemeinden run
}

func (f *fakeServices) LiveAntragsstrecken(_ context.Context, tenantID string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.live[tenantID], nil
}

func (f *fakeServices) GemeindeAntragsstrecken(_ context.Context, kreisKey string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gemeinde[kreisKey], nil
}

func (f *fakeServices) Antragsstrecken(context.Context) (map[string]string, error) {
	return map[string]string{"hzl": "HzL 1.0", "eb-hzl": "EB-HzL – Einmalige Bedarfe", "grusi": "GruSi", "but": "BuT"}, nil
}

// env is a portal on a fresh database with the demo tenants.
type env struct {
	t        *testing.T
	portal   *Portal
	store    *tenant.Store
	outbox   *mail.Outbox
	services *fakeServices
	srv      *httptest.Server
	harz     *tenant.Tenant
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{Templates: []fs.FS{MailTemplates()}, PlatformName: "Sozialplattform Sachsen-Anhalt"})
	if err != nil {
		t.Fatal(err)
	}
	store := tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	if _, err := store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	svc := &fakeServices{live: map[string][]string{}, gemeinde: map[string][]string{}}
	p, err := New(Deps{DB: db, Store: store, Sessions: tenant.NewSessionStore(db, tenant.SessionOptions{}), Outbox: outbox,
		Assets: assets, Services: svc, Now: func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	harz, err := store.ResolveTenant(ctx, "landkreis-harz")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.Chain(p.Handler(), web.SecurityHeaders(web.HeaderOptions{})))
	t.Cleanup(srv.Close)
	tt, _ := t.(*testing.T)
	return &env{t: tt, portal: p, store: store, outbox: outbox, services: svc, srv: srv, harz: harz}
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
	lang string // Accept-Language
}

func (e *env) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: e.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values, header ...string) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

func (b *browser) get(path string) response { return b.do("GET", path, nil) }

// csrf extracts the form token of a page.
func csrf(t testing.TB, page string) string {
	t.Helper()
	const marker = `name="csrf" value="`
	i := strings.Index(page, marker)
	if i < 0 {
		t.Fatal("page has no form token")
	}
	rest := page[i+len(marker):]
	return rest[:strings.Index(rest, `"`)]
}
