package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// pagingWorld is the core API on a real database with a Land, a Kreis and
// its Gemeinden, and the ministry's principal.
type pagingWorld struct {
	api      humatest.TestAPI
	store    *tenant.Store
	az       *authz.Authorizer
	kreis    *tenant.Tenant
	ministry context.Context
	n        int
}

func newPagingWorld(t *testing.T, gemeinden int) *pagingWorld {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", PlatformName: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.SyncRules(ctx, db.Write, authz.DefaultRules); err != nil {
		t.Fatal(err)
	}
	w := &pagingWorld{store: tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})}
	land := w.add(t, nil, tenant.KindLand, "15", "Sachsen-Anhalt")
	w.kreis = w.add(t, land, tenant.KindLandkreis, "15085", "Landkreis Harz")
	for i := 0; i < gemeinden; i++ {
		w.gemeinde(t, 100+2*i) // even numbers: room for later ones in between
	}
	u, err := w.store.CreateUser(ctx, tenant.NewUserInput{Email: "ministerium@test.example", Name: "Test",
		Password: "Demo-Elbaue-Brocken-2026", TenantID: land.ID, Role: tenant.RoleMinistryAdmin})
	if err != nil {
		t.Fatal(err)
	}
	w.ministry = authz.WithPrincipal(ctx, authz.Principal{UserID: u.ID, Label: u.Email})
	if w.az, err = authz.New(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	_, w.api = humatest.New(t)
	w.api.UseMiddleware(api.NewGuard(w.api, w.az, w.store).Middleware)
	api.NewCore(api.Deps{Store: w.store, Authz: w.az, Outbox: outbox}).Register(w.api)
	return w
}

func (w *pagingWorld) add(t *testing.T, parent *tenant.Tenant, kind tenant.Kind, key, name string) *tenant.Tenant {
	t.Helper()
	tn := &tenant.Tenant{Kind: kind, OfficialKey: &key, Name: name, Active: true}
	if parent != nil {
		tn.ParentID = &parent.ID
	}
	if err := w.store.CreateTenant(context.Background(), tn); err != nil {
		t.Fatal(err)
	}
	return tn
}

// gemeinde adds the Gemeinde 15085<n> and lets the authorizer see it.
func (w *pagingWorld) gemeinde(t *testing.T, n int) *tenant.Tenant {
	t.Helper()
	tn := w.add(t, w.kreis, tenant.KindGemeinde, fmt.Sprintf("15085%03d", n), fmt.Sprintf("Gemeinde %03d", n))
	if w.az != nil {
		if err := w.az.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return tn
}

type tenantPage struct {
	Items []tenant.Tenant `json:"items"`
	Next  string          `json:"next"`
}

func (w *pagingWorld) get(t *testing.T, url string) (tenantPage, *http.Response) {
	t.Helper()
	rec := w.api.GetCtx(w.ministry, url)
	var page tenantPage
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
	}
	return page, rec.Result()
}

func TestListParametersOutOfBoundsAre422(t *testing.T) {
	t.Parallel()
	w := newPagingWorld(t, 3)
	first, _ := w.get(t, "/v1/tenants?limit=2")
	if first.Next == "" {
		t.Fatal("no next page for 5 tenants by 2")
	}
	c := cursorOf(t, first.Next)
	raw, _ := base64.RawURLEncoding.DecodeString(c)
	flipped := append([]byte{}, raw...)
	flipped[len(flipped)-3] ^= 0x01
	tests := []struct {
		name, query, location string
	}{
		{"limit zero", "limit=0", "query.limit"},
		{"limit above 500", "limit=501", "query.limit"},
		{"limit not a number", "limit=viele", "query.limit"},
		{"cursor not base64", "cursor=%21%21%21", "query.cursor"},
		{"cursor cut short", "cursor=" + c[:len(c)-4], "query.cursor"},
		{"cursor with a changed byte", "cursor=" + base64.RawURLEncoding.EncodeToString(flipped), "query.cursor"},
		{"cursor of another listing", "cursor=" + cursorOf(t, w.usersNext(t)), "query.cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := w.api.GetCtx(w.ministry, "/v1/tenants?"+tt.query)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			if !strings.Contains(rec.Body.String(), `"location":"`+tt.location+`"`) {
				t.Errorf("problem does not point at %s: %s", tt.location, rec.Body)
			}
		})
	}
}

// usersNext is a next link of the users listing (another listing).
func (w *pagingWorld) usersNext(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	for _, e := range []string{"a@test.example", "b@test.example"} {
		if _, err := w.store.CreateUser(ctx, tenant.NewUserInput{Email: e, Name: "Person", Password: "Demo-Elbaue-Brocken-2026",
			TenantID: w.kreis.ID, Role: tenant.RoleMunicipalityClerk}); err != nil {
			t.Fatal(err)
		}
	}
	rec := w.api.GetCtx(w.ministry, "/v1/tenants/"+w.kreis.ID+"/users?limit=1")
	var page struct{ Next string }
	json.Unmarshal(rec.Body.Bytes(), &page)
	if page.Next == "" {
		t.Fatalf("users listing has no next page: %s", rec.Body)
	}
	return page.Next
}

func cursorOf(t *testing.T, next string) string {
	t.Helper()
	i := strings.Index(next, "cursor=")
	if i < 0 {
		t.Fatalf("next %q has no cursor", next)
	}
	c, _, _ := strings.Cut(next[i+len("cursor="):], "&")
	return c
}

func TestWalkingPagesReturnsEveryRowOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		limit int
		// insert adds rows after the page with this number (from 1).
		insertAfterPage int
	}{
		{"pages of one", 1, 0},
		{"pages of seven, rows inserted meanwhile", 7, 2},
		{"one page for all", 500, 0},
		{"default size", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPagingWorld(t, 23)
			want := map[string]bool{}
			first, _ := w.get(t, "/v1/tenants?limit=500")
			for _, tn := range first.Items {
				want[tn.ID] = true
			}
			url := "/v1/tenants"
			if tt.limit > 0 {
				url += fmt.Sprintf("?limit=%d", tt.limit)
			}
			seen := map[string]int{}
			var order []string
			var late *tenant.Tenant
			for pages := 1; url != ""; pages++ {
				if pages > 100 {
					t.Fatal("paging does not end")
				}
				page, resp := w.get(t, url)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d", url, resp.StatusCode)
				}
				size := tt.limit
				if size == 0 {
					size = 50
				}
				if len(page.Items) > size {
					t.Fatalf("page of %d rows for limit %d", len(page.Items), size)
				}
				link := resp.Header.Get("Link")
				if page.Next == "" && link != "" || page.Next != "" && link != "<"+page.Next+`>; rel="next"` {
					t.Fatalf("Link %q does not match next %q", link, page.Next)
				}
				for _, tn := range page.Items {
					seen[tn.ID]++
					order = append(order, *tn.OfficialKey)
				}
				if pages == tt.insertAfterPage {
					// One Gemeinde sorts before the position reached (not
					// shown: that page is done), one after it (shown once).
					w.gemeinde(t, 101)
					late = w.gemeinde(t, 999)
					want[late.ID] = true
				}
				url = page.Next
			}
			for id := range want {
				if seen[id] != 1 {
					t.Errorf("tenant %s seen %d times", id, seen[id])
				}
			}
			for id, n := range seen {
				if !want[id] {
					t.Errorf("tenant %s seen %d times, not expected", id, n)
				}
			}
			for i := 1; i < len(order); i++ {
				if order[i-1] >= order[i] {
					t.Errorf("order broken at %d: %s before %s", i, order[i-1], order[i])
				}
			}
		})
	}
}
