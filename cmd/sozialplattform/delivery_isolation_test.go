package main

import (
	"context"
	"net/http"
	"testing"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/deliverytest"
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
	m := deliverytest.Mailbox{DB: a.db, Cases: a.onboard, Delivery: a.delivery, DVDV: a.dvdv}
	// Every case prepared: one opens for an Antragsstrecke not ordered yet.
	d := m.Deliver(t, tt, m.PreparingCase(t, tt, "isolation", []string{"mrh", "wbs", "asylblg", "lza", "esg"}, nil), isolationKennung)
	return deliveryObjects{messageID: d.MessageID, deliveryID: d.DeliveryID, caseID: d.CaseID}
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
