package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// TestPortalOfficesAPI: a municipality maintains its responsible offices
// through the API – incomplete ones answer 422 naming the fields, a clerk
// may read but not change them, every change is audited – and the portal
// names the office on "Jetzt beantragen" of a service of its Rechtskreis,
// for the Kreis' own citizens and for those of its Gemeinden.
func TestPortalOfficesAPI(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	harz, err := a.store.ResolveTenant(ctx, "landkreis-harz")
	if err != nil {
		t.Fatal(err)
	}
	admin, clerk := newClient(t, srv.URL), newClient(t, srv.URL)
	admin.login("harz@demo.example", tenant.DemoPassword)
	clerk.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)
	base := "/api/v1/tenants/" + harz.ID + "/portal-offices"

	// Incomplete: 422 with every missing field.
	status, raw := admin.do("POST", base, map[string]any{"rechtskreis": "wogg", "name": "Wohngeldstelle des Landkreises Harz",
		"street": "", "postalCode": "", "city": " ", "phone": "", "hours": ""}, nil)
	var pr problem
	_ = json.Unmarshal([]byte(raw), &pr)
	if status != http.StatusUnprocessableEntity || pr.locations() != "body.street,body.city,body.hours,body.postalCode,body.phone" {
		t.Fatalf("incomplete office = %d %s", status, raw)
	}
	office := map[string]any{"rechtskreis": "wogg", "name": "Wohngeldstelle des Landkreises Harz", "street": "Friedrich-Ebert-Straße 42",
		"postalCode": "38820", "city": "Halberstadt", "phone": "03941 5970-0", "hours": "Di 9–12 Uhr und 13–18 Uhr"}
	if status, raw := clerk.do("POST", base, office, nil); status != http.StatusForbidden {
		t.Errorf("clerk creates an office = %d %s", status, raw)
	}
	var created site.Office
	admin.must(http.StatusCreated, "POST", base, office, &created)
	office["hours"] = "Di 9–12 Uhr und 13–18 Uhr, Do 9–12 Uhr"
	var updated site.Office
	admin.must(http.StatusOK, "PUT", base+"/"+created.ID, office, &updated)
	if updated.Hours != office["hours"] || updated.CreatedAt.IsZero() {
		t.Errorf("updated = %+v", updated)
	}
	var list struct{ Items []site.Office }
	clerk.must(http.StatusOK, "GET", base, nil, &list)
	if len(list.Items) != 1 || list.Items[0].ID != created.ID {
		t.Errorf("clerk reads %+v", list.Items)
	}
	audit, err := a.store.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{harz.ID}, ObjectType: "portal-office"})
	if err != nil || len(audit) != 2 || audit[0].Action != "update" || audit[1].Action != "create" {
		t.Errorf("audit = %+v, %v", audit, err)
	}

	// The portal names it, on the Kreis' page and on Wernigerode's.
	for _, path := range []string{"/landkreis-harz/leistungen/wohngeld/beantragen", "/wernigerode/leistungen/wohngeld/beantragen", "/wernigerode/"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"Wohngeldstelle des Landkreises Harz", "Friedrich-Ebert-Straße 42", "03941 5970-0", "Do 9–12 Uhr"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
	admin.must(http.StatusNoContent, "DELETE", base+"/"+created.ID, nil, nil)
	if status, _ := admin.do("DELETE", base+"/"+created.ID, nil, nil); status != http.StatusNotFound {
		t.Errorf("deleting twice = %d", status)
	}
}
