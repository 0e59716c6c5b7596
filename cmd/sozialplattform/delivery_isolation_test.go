package main

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/tenant"
)

// deliveryObjects are a municipality's delivery objects for the
// isolation matrix: an application delivered into its mailbox.
type deliveryObjects struct {
	messageID, deliveryID, caseID string
}

// isolationKennung is the DVDV entry the matrix addresses.
const isolationKennung = "sop:150850000100"

// seedDelivery routes one of the tenant's not yet prepared onboarding
// cases to the mailbox (variant 2), delivers an application there and
// makes sure the DVDV directory has an entry. It needs seedOnboarding
// first.
func seedDelivery(t *testing.T, a *app, tt *tenant.Tenant) deliveryObjects {
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	cases, err := a.onboard.ListCases(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	var c *onboarding.Case
	for i := range cases {
		if cases[i].Phase(onboarding.PhasePreparation).Status != onboarding.Completed {
			c = &cases[i]
			break
		}
	}
	if c == nil { // every case is prepared: open one for an Antragsstrecke not ordered yet
		have := map[string]bool{}
		for _, cs := range cases {
			have[cs.Antragsstrecke] = true
		}
		strecke := ""
		for _, k := range []string{"mrh", "wbs", "asylblg", "lza", "esg"} {
			if !have[k] {
				strecke = k
				break
			}
		}
		if err := a.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return a.onboard.OpenCases(ctx, tx, tt.ID, "isolation", []string{strecke}, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		if cases, err = a.onboard.ListCases(ctx, tt.ID); err != nil {
			t.Fatal(err)
		}
		for i := range cases {
			if cases[i].Antragsstrecke == strecke {
				c = &cases[i]
			}
		}
	}
	if v := onboarding.VariantOSCIClient; c.Variant != v {
		if _, err := a.onboard.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v}); err != nil {
			t.Fatal(err)
		}
	}
	var id string
	err = a.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		id, err = delivery.Enqueue(ctx, tx, delivery.Document{ApplicationID: "isolation-" + tt.ID, TenantID: tt.ID, Antragsstrecke: c.Antragsstrecke,
			ReferenceNumber: "ISO-" + tt.Key(), XML: []byte(`<?xml version="1.0"?><antrag/>`), PDF: []byte(minimalPDF)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.delivery.Drive(ctx, id, 0); err != nil {
		t.Fatal(err)
	}
	list, err := a.delivery.ListMailbox(ctx, tt.ID, delivery.MailboxFilter{})
	if err != nil || len(list) == 0 {
		t.Fatalf("mailbox of %s: %v (%d)", tt.Name, err, len(list))
	}
	if _, err := a.dvdv.Lookup(ctx, isolationKennung); errors.Is(err, dvdv.ErrNotFound) {
		now := time.Now()
		ca, err := pki.NewCA("Test-Intermediär", now, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.dvdv.Put(ctx, "", isolationKennung, 0, dvdv.Input{Name: "Landkreis Harz", Endpoint: "https://xta.example/ws",
			Certificate: string(pki.CertPEM(ca.Cert)), Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	return deliveryObjects{messageID: list[0].ID, deliveryID: id, caseID: c.ID}
}

// replacements are the delivery path parameters for scope.fill.
func (d deliveryObjects) replacements() []string {
	return []string{"{messageId}", d.messageID, "{deliveryId}", d.deliveryID, "{kennung}", isolationKennung}
}

// mailboxContent tells the operations whose answers hold what citizens
// applied for: only the municipality's own staff gets them, the ministry
// neither (Sozialgeheimnis).
func mailboxContent(op operation) bool { return op.access.Obj == delivery.ObjMailbox }

// TestDeliveryIsolation checks what the matrix cannot say in general.
func TestDeliveryIsolation(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("every operation as every role: full suite only")
	}
	a, srv := testApp(t)
	own := seedScope(t, a, "landkreis-harz", "harz@demo.example")
	other := seedScope(t, a, "landkreis-wittenberg", "wittenberg@demo.example")
	login := func(email string) *client {
		c := newClient(t, srv.URL)
		c.login(email, tenant.DemoPassword)
		return c
	}
	clerk, admin, ministry := login("sachbearbeitung.harz@demo.example"), login("harz@demo.example"), login("ministerium@demo.example")
	o, x := own.delivery, other.delivery
	for _, tt := range []struct {
		name         string
		who          *client
		method, path string
		want         int
	}{
		{"clerk lists the own mailbox", clerk, "GET", "/api/v1/tenants/" + own.tenant.ID + "/mailbox", http.StatusOK},
		{"clerk downloads the XML", clerk, "GET", "/api/v1/mailbox/" + o.messageID + "/xml", http.StatusOK},
		{"clerk downloads the PDF", clerk, "GET", "/api/v1/mailbox/" + o.messageID + "/pdf", http.StatusOK},
		{"clerk of another tenant", clerk, "GET", "/api/v1/mailbox/" + x.messageID + "/xml", http.StatusNotFound},
		{"clerk picks up another tenant's", clerk, "POST", "/api/v1/mailbox/" + x.messageID + "/pickup", http.StatusNotFound},
		{"clerk may not retry", clerk, "POST", "/api/v1/deliveries/" + o.deliveryID + "/retry", http.StatusForbidden},
		{"admin sees the deliveries", admin, "GET", "/api/v1/tenants/" + own.tenant.ID + "/deliveries", http.StatusOK},
		{"admin sees another's delivery", admin, "GET", "/api/v1/deliveries/" + x.deliveryID, http.StatusNotFound},
		{"ministry sees no mailbox list", ministry, "GET", "/api/v1/tenants/" + own.tenant.ID + "/mailbox", http.StatusForbidden},
		{"ministry reads no application", ministry, "GET", "/api/v1/mailbox/" + o.messageID + "/pdf", http.StatusNotFound},
		{"ministry counts", ministry, "GET", "/api/v1/delivery-statistics", http.StatusOK},
		{"municipality sees no counts", admin, "GET", "/api/v1/delivery-statistics", http.StatusForbidden},
		{"municipality sees no DVDV", admin, "GET", "/api/v1/dvdv-entries", http.StatusForbidden},
		{"clerk picks up", clerk, "POST", "/api/v1/mailbox/" + o.messageID + "/pickup", http.StatusOK},
	} {
		if status, raw := tt.who.do(tt.method, tt.path, map[string]any{}, nil); status != tt.want {
			t.Errorf("%s: %s %s = %d, want %d: %s", tt.name, tt.method, tt.path, status, tt.want, raw)
		}
	}
	// Every access to the mailbox is in the audit log.
	entries, err := a.store.ListAudit(context.Background(), tenant.AuditFilter{TenantIDs: []string{own.tenant.ID}, ObjectType: delivery.ObjMailbox})
	if err != nil || len(entries) < 4 {
		t.Fatalf("audited mailbox accesses: %d, %v", len(entries), err)
	}
}
