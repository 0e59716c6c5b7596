package tenant_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sozialplattform/tenant"
)

// roundTrip saves a session with the given values and returns the cookie
// the browser would keep.
func saveSession(t *testing.T, st *tenant.SessionStore, cookie *http.Cookie, set map[string]any) *http.Cookie {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	s, err := st.Get(r, st.CookieName())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		s.Values[k] = v
	}
	if err := s.Save(r, w); err != nil {
		t.Fatal(err)
	}
	cs := w.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("want one cookie, got %v", cs)
	}
	return cs[0]
}

func loadUser(t *testing.T, st *tenant.SessionStore, cookie *http.Cookie) string {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(cookie)
	s, err := st.Get(r, st.CookieName())
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := s.Values[tenant.SessionUserID].(string)
	return uid
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	u := w.user(t, "a@example.org", w.harz, tenant.RoleMunicipalityClerk)
	for _, secure := range []bool{true, false} {
		st := tenant.NewSessionStore(w.db, tenant.SessionOptions{Secure: secure})
		c := saveSession(t, st, nil, map[string]any{tenant.SessionUserID: u.ID})
		wantName := "sozialplattform"
		if secure {
			wantName = "__Host-sozialplattform"
		}
		if c.Name != wantName || c.Secure != secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
			t.Errorf("secure=%v: cookie %+v", secure, c)
		}
		if len(c.Value) < 40 {
			t.Errorf("session ID too short: %q", c.Value)
		}
	}
}

func TestSessionTimeoutsAndRotation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	u1 := w.user(t, "u1@example.org", w.harz, tenant.RoleMunicipalityClerk).ID
	u2 := w.user(t, "u2@example.org", w.harz, tenant.RoleMunicipalityClerk).ID
	u3 := w.user(t, "u3@example.org", w.harz, tenant.RoleMunicipalityClerk).ID
	now := w.now
	st := tenant.NewSessionStore(w.db, tenant.SessionOptions{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 2 * time.Hour,
		Now: func() time.Time { return now }})
	c := saveSession(t, st, nil, map[string]any{tenant.SessionUserID: u1})
	if got := loadUser(t, st, c); got != u1 {
		t.Fatalf("fresh session: %q", got)
	}
	// Activity every 20 minutes keeps it alive until the absolute limit.
	for i := 0; i < 5; i++ {
		now = now.Add(20 * time.Minute)
		if got := loadUser(t, st, c); got != u1 {
			t.Fatalf("after %d active periods: %q", i+1, got)
		}
		saveSession(t, st, c, nil)
	}
	now = now.Add(21 * time.Minute) // past 2 h since login
	if got := loadUser(t, st, c); got != "" {
		t.Fatalf("past the absolute timeout: %q", got)
	}

	c2 := saveSession(t, st, nil, map[string]any{tenant.SessionUserID: u2})
	now = now.Add(31 * time.Minute)
	if got := loadUser(t, st, c2); got != "" {
		t.Fatalf("past the idle timeout: %q", got)
	}

	c3 := saveSession(t, st, nil, map[string]any{"csrf": "x"})
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c3)
	rec := httptest.NewRecorder()
	s, _ := st.Get(r, st.CookieName())
	s.Values[tenant.SessionUserID] = u3
	if err := st.Rotate(r, rec, s); err != nil {
		t.Fatal(err)
	}
	rotated := rec.Result().Cookies()[0]
	if rotated.Value == c3.Value {
		t.Fatal("rotation kept the session ID")
	}
	if got := loadUser(t, st, rotated); got != u3 {
		t.Fatalf("rotated session: %q", got)
	}
	if got := loadUser(t, st, c3); got != "" {
		t.Fatalf("the pre-login ID still works: %q", got)
	}
}

func TestDeactivationEndsSessions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	u := w.user(t, "clerk@example.org", w.harz, tenant.RoleMunicipalityClerk)
	st := tenant.NewSessionStore(w.db, tenant.SessionOptions{})
	c := saveSession(t, st, nil, map[string]any{tenant.SessionUserID: u.ID})
	if err := w.store.SetUserActive(t.Context(), w.harz.ID, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := loadUser(t, st, c); got != "" {
		t.Fatalf("session of a deactivated user survives: %q", got)
	}
}
