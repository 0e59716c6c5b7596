package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail/mailtest"
)

// roundRobin is the simplest load balancer: each request goes to the next
// instance.
func roundRobin(t *testing.T, bases []string) string {
	t.Helper()
	targets := make([]*url.URL, len(bases))
	for i, b := range bases {
		targets[i] = mustURL(b)
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(targets[next.Add(1)%uint64(len(targets))])
		r.Out.Host = r.In.Host
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSeveralInstancesOnOnePostgreSQL runs three servers on one database
// behind a round-robin proxy: a session works on every instance, a role
// change made through one is enforced by all within seconds, the mail job
// runs once per schedule and every mail goes out exactly once, and an
// application submitted through one instance is read through the others
// (they share the configured data key; without one they refuse to start).
func TestSeveralInstancesOnOnePostgreSQL(t *testing.T) {
	t.Parallel()
	if testdb.Kind() != migrations.Postgres {
		t.Skip("scale-out runs on PostgreSQL (TEST_DB=postgres)")
	}
	smtp := mailtest.NewServer(t)
	host, port := smtp.Addr()
	dsn := testdb.DSN(t)
	env := func(instance string) map[string]string {
		return map[string]string{
			"SOZIALPLATTFORM_DB": dsn, "SOZIALPLATTFORM_SMTP_HOST": host, "SOZIALPLATTFORM_SMTP_PORT": fmt.Sprint(port),
			"SOZIALPLATTFORM_SMTP_TLS": "none", "SOZIALPLATTFORM_MAIL_INTERVAL": "1s", "SOZIALPLATTFORM_POLICY_REFRESH": "500ms",
			"SOZIALPLATTFORM_LOG_LEVEL": "error", "SOZIALPLATTFORM_INSTANCE_ID": instance,
			"SOZIALPLATTFORM_DATA_KEY": "scaleout:" + strings.Repeat("c2Nh", 10) + "bGU=",
		}
	}
	bases := []string{startInstance(t, env("a"), "--demo")}
	for _, id := range []string{"b", "c"} {
		bases = append(bases, startInstance(t, env(id)))
	}
	lb := roundRobin(t, bases)

	ministry := newClient(t, lb)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	harzAdmin := newClient(t, lb)
	harzAdmin.login("harz@demo.example", tenant.DemoPassword)
	var me struct {
		User        tenant.User `json:"user"`
		Memberships []struct {
			TenantID string `json:"tenantId"`
		} `json:"memberships"`
	}
	for range 6 { // twice around the three instances
		harzAdmin.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
	}
	harz := me.Memberships[0].TenantID
	usersPath := "/api/v1/tenants/" + harz + "/users"
	for range 3 {
		harzAdmin.must(http.StatusOK, "GET", usersPath, nil, nil)
	}

	// A role change through one instance reaches all of them.
	ministry.must(http.StatusOK, "PATCH", "/api/v1/tenants/"+harz+"/users/"+me.User.ID, map[string]string{"role": "municipality-clerk"}, nil)
	changed := time.Now()
	for {
		forbidden := 0
		for range 3 {
			if status, _ := harzAdmin.do("GET", usersPath, nil, nil); status == http.StatusForbidden {
				forbidden++
			}
		}
		if forbidden == 3 {
			break
		}
		if time.Since(changed) > 5*time.Second {
			t.Fatalf("5 s after the role change only %d of 3 instances enforce it", forbidden)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("role change enforced on all instances after %s", time.Since(changed).Round(time.Millisecond))

	// Mails queued through any instance go out once each.
	const invitations = 9
	for i := range invitations {
		ministry.must(http.StatusCreated, "POST", "/api/v1/tenants/"+harz+"/invitations",
			map[string]string{"email": fmt.Sprintf("person%d@harz.example", i), "role": "municipality-clerk"}, nil)
	}
	for i := range invitations {
		waitForMailTo(t, smtp, fmt.Sprintf("person%d@harz.example", i), 30*time.Second)
	}
	time.Sleep(3 * time.Second) // three more ticks on every instance: nothing may come twice
	seen := map[string]int{}
	for _, m := range smtp.Messages() {
		seen[m.To[0]]++
	}
	for i := range invitations {
		if n := seen[fmt.Sprintf("person%d@harz.example", i)]; n != 1 {
			t.Errorf("person%d received %d invitations, want 1", i, n)
		}
	}

	// The mail job ran at most once per one-second slot across all instances.
	db, err := migrations.Open(context.Background(), dsn, migrations.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var starts []time.Time
	if err := db.Read.NewRaw("SELECT started_at FROM job_runs WHERE name = 'mail-versand' ORDER BY started_at").Scan(context.Background(), &starts); err != nil {
		t.Fatal(err)
	}
	perSlot := map[int64]int{}
	for _, s := range starts {
		perSlot[s.Unix()]++
	}
	var holders []string
	if err := db.Read.NewRaw("SELECT DISTINCT instance FROM job_runs WHERE name = 'mail-versand'").Scan(context.Background(), &holders); err != nil {
		t.Fatal(err)
	}
	for slot, n := range perSlot {
		if n > 1 {
			t.Errorf("mail job ran %d times in the slot %s", n, time.Unix(slot, 0).UTC())
		}
	}
	if len(starts) < 5 {
		t.Errorf("mail job ran only %d times", len(starts))
	}
	t.Logf("mail job: %d runs in %d slots by instances %v", len(starts), len(perSlot), holders)

	// An application submitted through instance a is read through b and c.
	appID := submitHzL(t, bases[0], "landkreis-harz", citizen.DemoEmail, tenant.DemoPassword)
	citizenClient := newClient(t, bases[0])
	citizenLoginWith(t, citizenClient, "landkreis-harz", citizen.DemoEmail, tenant.DemoPassword)
	for _, base := range bases[1:] {
		citizenClient.base = base // the session lives in the database
		status, pdf, _ := citizenClient.get("/landkreis-harz/servicekonto/antraege/" + appID + "/pdf")
		if status != http.StatusOK || !strings.HasPrefix(pdf, "%PDF") {
			t.Errorf("%s: the citizen's PDF = %d", base, status)
		}
		clerk := newClient(t, base)
		clerk.login("harz@demo.example", tenant.DemoPassword)
		var app struct {
			ReferenceNumber string `json:"referenceNumber"`
		}
		if status, body := clerk.do("GET", "/api/v1/applications/"+appID, nil, &app); status != http.StatusOK || app.ReferenceNumber == "" {
			t.Errorf("%s: the municipality reads the application: %d %s", base, status, body)
		}
		if status, xml := clerk.do("GET", "/api/v1/applications/"+appID+"/xml", nil, nil); status != http.StatusOK || !strings.Contains(xml, "vorgang.transportieren.1000001") {
			t.Errorf("%s: the application's XML = %d", base, status)
		}
	}
}

// citizenLoginWith logs c in through a site's Servicekonto login form.
func citizenLoginWith(t *testing.T, c *client, slug, email, password string) {
	t.Helper()
	target := "/" + slug + "/servicekonto/"
	loc, _ := c.submitPage("/"+slug+"/servicekonto/anmelden?ziel="+url.QueryEscape(target),
		url.Values{"email": {email}, "passwort": {password}, "ziel": {target}}, http.StatusSeeOther)
	if loc != target {
		t.Fatalf("citizen login went to %s", loc)
	}
}

// submitHzL fills and submits an HzL application through the HTML forms
// of the server at base and returns its ID.
func submitHzL(t *testing.T, base, slug, email, password string) string {
	t.Helper()
	b := newClient(t, base)
	citizenLoginWith(t, b, slug, email, password)
	site := "/" + slug
	loc, _ := b.submitPage(site+"/antrag/hzl", nil, http.StatusSeeOther)
	draft, ok := strings.CutSuffix(loc, "/schritt/antragsteller")
	if !ok {
		t.Fatalf("start went to %s", loc)
	}
	for _, st := range formstest.HzL() {
		form := url.Values{"aktion": {"weiter"}}
		for k, v := range st.Form {
			form[k] = v
		}
		b.submitPage(draft+"/schritt/"+st.ID, form, http.StatusSeeOther)
	}
	receipt, _ := b.submitPage(draft+"/absenden", url.Values{"erklaerung": {"richtigkeit", "mitwirkung", "datenschutz"}}, http.StatusSeeOther)
	if !strings.Contains(receipt, "/antrag/hzl/eingang/") {
		t.Fatalf("submit went to %s", receipt)
	}
	return receipt[strings.LastIndex(receipt, "/")+1:]
}
