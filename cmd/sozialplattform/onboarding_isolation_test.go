package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// onboardingObjects are a municipality's onboarding objects for the
// isolation matrix: a case with a checklist item and an attachment, plus
// the shared Sprechstunde, Fachverfahren, template and support contact the
// paths name.
type onboardingObjects struct {
	caseID, itemID, attachmentID                string
	consultationID, fachverfahrenID, templateID string
	supportContactID                            string
}

// minimalPDF is enough for http.DetectContentType to say application/pdf.
const minimalPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// seedOnboarding loads onboarding's demo data (idempotent) and gives the
// tenant a case with an attachment.
func seedOnboarding(t *testing.T, a *app, tt *tenant.Tenant) onboardingObjects {
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	if err := a.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	cases, err := a.onboard.ListCases(ctx, tt.ID)
	if err != nil || len(cases) == 0 {
		t.Fatalf("cases of %s: %v (%d)", tt.Name, err, len(cases))
	}
	items, err := a.onboard.Checklist(ctx, cases[0].ID)
	if err != nil || len(items) == 0 {
		t.Fatalf("checklist of %s: %v", tt.Name, err)
	}
	att, err := a.onboard.AddAttachment(ctx, cases[0].ID, items[0].ID, "vertrag.pdf", []byte(minimalPDF))
	if err != nil {
		t.Fatal(err)
	}
	cons, err := a.onboard.ListConsultations(ctx, onboarding.ConsultationFilter{From: a.onboard.Now()})
	if err != nil || len(cons) == 0 {
		t.Fatalf("Sprechstunden: %v", err)
	}
	contacts, err := a.onboard.ListSupportContacts(ctx)
	if err != nil || len(contacts) == 0 {
		t.Fatalf("support contacts: %v", err)
	}
	return onboardingObjects{caseID: cases[0].ID, itemID: items[0].ID, attachmentID: att.ID, consultationID: cons[0].ID,
		fachverfahrenID: "open-prosoz", templateID: "alle-vertrag", supportContactID: contacts[0].ID}
}

// replacements are the onboarding path parameters for scope.fill.
func (o onboardingObjects) replacements() []string {
	return []string{"{caseId}", o.caseID, "{itemId}", o.itemID, "{attachmentId}", o.attachmentID, "{phase}", "preparation",
		"{consultationId}", o.consultationID, "{fachverfahrenId}", o.fachverfahrenID, "{templateId}", o.templateID, "{key}", "hzl",
		"{supportContactId}", o.supportContactID}
}

// sharedRead reports whether op reads an object no municipality owns and
// every one may read: a support contact of the Land. Naming it is no reach
// into another municipality (changing it stays the ministry's).
func sharedRead(op operation) bool {
	return op.method == http.MethodGet && op.path == "/api/v1/support-contacts/{supportContactId}"
}

// TestOnboardingIsolation: what the matrix cannot say in general – a
// municipality reaches none of another's onboarding objects by their IDs,
// not even by combining its own case with the other's attachment, and the
// ministry's report stays the ministry's.
func TestOnboardingIsolation(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("every operation as every role: full suite only")
	}
	a, srv := testApp(t)
	own := seedScope(t, a, "landkreis-harz", "harz@demo.example")
	other := seedScope(t, a, "landkreis-wittenberg", "wittenberg@demo.example")
	harz := newClient(t, srv.URL)
	harz.login("harz@demo.example", tenant.DemoPassword)
	clerk := newClient(t, srv.URL)
	clerk.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)

	o, x := own.onboarding, other.onboarding
	for _, tt := range []struct {
		who          *client
		method, path string
		body         any
		want         int
	}{
		{harz, "GET", "/api/v1/onboarding-cases/" + o.caseID, nil, http.StatusOK},
		{harz, "GET", "/api/v1/onboarding-cases/" + x.caseID, nil, http.StatusNotFound},
		{harz, "PATCH", "/api/v1/onboarding-cases/" + x.caseID, map[string]any{"version": 1, "variant": 2}, http.StatusNotFound},
		{harz, "PUT", "/api/v1/onboarding-cases/" + x.caseID + "/phases/preparation", map[string]any{"status": "completed"}, http.StatusNotFound},
		{harz, "PUT", "/api/v1/onboarding-cases/" + x.caseID + "/checklist/" + x.itemID, map[string]any{"done": true}, http.StatusNotFound},
		{harz, "PUT", "/api/v1/onboarding-cases/" + o.caseID + "/checklist/" + x.itemID, map[string]any{"done": true}, http.StatusNotFound},
		{harz, "GET", "/api/v1/onboarding-cases/" + x.caseID + "/attachments/" + x.attachmentID, nil, http.StatusNotFound},
		{harz, "GET", "/api/v1/onboarding-cases/" + o.caseID + "/attachments/" + x.attachmentID, nil, http.StatusNotFound},
		{harz, "DELETE", "/api/v1/onboarding-cases/" + o.caseID + "/attachments/" + x.attachmentID, nil, http.StatusNotFound},
		{harz, "GET", "/api/v1/onboarding-cases/" + o.caseID + "/attachments/" + o.attachmentID, nil, http.StatusOK},
		{harz, "GET", "/api/v1/tenants/" + other.tenant.ID + "/calendar.ics", nil, http.StatusForbidden},
		{harz, "GET", "/api/v1/rollout", nil, http.StatusForbidden},
		{harz, "PUT", "/api/v1/fachverfahren/open-prosoz", map[string]any{"product": "x"}, http.StatusForbidden},
		{harz, "PUT", "/api/v1/tenants/" + other.tenant.ID + "/consultations/" + x.consultationID + "/attendance", map[string]any{}, http.StatusForbidden},
		{clerk, "GET", "/api/v1/onboarding-cases/" + o.caseID, nil, http.StatusOK},
		{clerk, "PATCH", "/api/v1/onboarding-cases/" + o.caseID, map[string]any{"version": 1, "variant": 2}, http.StatusForbidden},
		{harz, "PATCH", "/api/v1/onboarding-cases/" + o.caseID, map[string]any{"version": 1, "liveConfirmed": true}, http.StatusForbidden},
	} {
		status, raw := tt.who.do(tt.method, tt.path, tt.body, nil)
		if status != tt.want {
			t.Errorf("%s %s = %d, want %d: %s", tt.method, tt.path, status, tt.want, raw)
		}
		if strings.Contains(raw, other.tenant.ID) && status < 300 {
			t.Errorf("%s %s mentions Wittenberg", tt.method, tt.path)
		}
	}
}
