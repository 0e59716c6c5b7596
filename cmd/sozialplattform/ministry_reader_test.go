package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// TestMinistryReaderReadsTheRolloutAndNothingPersonal is finding m31: a
// reporting script of the Land needed a token with full administration.
// A token with the role "Ministerium: Auswertung (nur lesen)" reads the
// rollout across the Land – bodies, catalogue, orders, onboarding,
// Umsetzungsstand and the counts of applications and deliveries – but
// changes nothing, and opens nothing that holds personal data: accounts,
// invitations, tokens, the audit log, the mail outbox, applications and
// deliveries.
func TestMinistryReaderReadsTheRolloutAndNothingPersonal(t *testing.T) {
	t.Parallel()
	a, srv := benchApp(t)
	ctx := context.Background()
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		t.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.store.CreateAPIToken(ctx, harz.ID, "Auswertung", tenant.RoleMinistryReader, nil); err == nil {
		t.Error("a municipality's token got the ministry's reading role")
	}
	_, secret, err := a.store.CreateAPIToken(ctx, land.ID, "Auswertung", tenant.RoleMinistryReader, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/v1/tenants", 200},
		{"GET", "/api/v1/tenants/" + harz.ID, 200},
		{"GET", "/api/v1/products", 200},
		{"GET", "/api/v1/orders", 200},
		{"GET", "/api/v1/fachverfahren", 200},
		{"GET", "/api/v1/checklist-templates", 200},
		{"GET", "/api/v1/consultations", 200},
		{"GET", "/api/v1/support-contacts", 200},
		{"GET", "/api/v1/rollout", 200},
		{"GET", "/api/v1/rollout/cases", 200},
		{"GET", "/api/v1/applications/stats", 200},
		{"GET", "/api/v1/delivery-statistics", 200},

		{"GET", "/api/v1/tenants/" + harz.ID + "/users", 403},
		{"GET", "/api/v1/tenants/" + harz.ID + "/invitations", 403},
		{"GET", "/api/v1/tenants/" + land.ID + "/tokens", 403},
		{"GET", "/api/v1/tenants/" + harz.ID + "/applications", 403},
		{"GET", "/api/v1/tenants/" + harz.ID + "/deliveries", 403},
		{"GET", "/api/v1/audit", 403},
		{"GET", "/api/v1/mails", 403},
		{"GET", "/api/v1/jobs", 403},
		{"GET", "/api/v1/registrations", 403},
		{"GET", "/api/v1/dvdv-entries", 403},

		{"POST", "/api/v1/tenants", 403},
		{"POST", "/api/v1/products", 403},
		{"POST", "/api/v1/support-contacts", 403},
		{"POST", "/api/v1/consultations", 403},
		{"PUT", "/api/v1/consultations/rule", 403},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var body io.Reader
			if tc.method != "GET" {
				body = strings.NewReader("{}")
			}
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, body)
			req.Header.Set("Authorization", "Bearer "+secret)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("%d, want %d: %.300s", resp.StatusCode, tc.want, answer)
			}
		})
	}
}
