package forms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
)

// submitHzL fills and submits a complete HzL application of the fixture's
// citizen to Landkreis Harz.
func (f *fixture) submitHzL(t *testing.T) *forms.Receipt {
	t.Helper()
	ctx := context.Background()
	d, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.fill(t, d.ID)
	rc, err := f.store.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: f.citizen, Email: "erika@example.org", Trust: forms.TrustNiedrig,
		Declarations: formstest.Declarations()})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// The deletion log lists what the retention job deleted in a tenant, the
// newest first: purged applications with reference and delivery date,
// expired drafts with their start – and nothing about the citizen.
func TestDeletionLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	rc := f.submitHzL(t)
	if err := f.store.SetDeliveryStatus(ctx, f.db.Write, rc.ApplicationID, "zugestellt", ""); err != nil {
		t.Fatal(err)
	}
	draft, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	if log, err := f.store.DeletionLog(ctx, f.harz.ID, 0); err != nil || len(log) != 0 {
		t.Fatalf("before any deletion: %+v %v", log, err)
	}

	f.clock.Add(91 * 24 * time.Hour)
	if res, err := f.store.Cleanup(ctx); err != nil || res.ApplicationsPurged != 1 || res.DraftsDeleted != 1 {
		t.Fatalf("cleanup: %+v %v", res, err)
	}
	log, err := f.store.DeletionLog(ctx, f.harz.ID, 0)
	if err != nil || len(log) != 2 {
		t.Fatalf("deletion log: %+v %v", log, err)
	}
	app, dr := log[0], log[1] // the applications are purged after the drafts
	if app.Kind != forms.DeletedApplication || app.ObjectID != rc.ApplicationID || app.Reference != rc.Reference ||
		app.Antragsstrecke != "hzl" || app.Since == nil || app.By != "Aufbewahrungsfristen" {
		t.Errorf("application entry: %+v", app)
	}
	if dr.Kind != forms.DeletedDraft || dr.ObjectID != draft.ID || dr.Reference != "" || dr.Since == nil || dr.At.IsZero() {
		t.Errorf("draft entry: %+v", dr)
	}
	if strings.Contains(mustJSON(log), "Muster") {
		t.Error("the deletion log holds personal data")
	}
	if log, _ := f.store.DeletionLog(ctx, f.harz.ID, 1); len(log) != 1 || log[0].Kind != forms.DeletedApplication {
		t.Errorf("limit 1: %+v", log)
	}
	other, err := f.tenants.ResolveTenant(ctx, "15091")
	if err != nil {
		t.Fatal(err)
	}
	if log, err := f.store.DeletionLog(ctx, other.ID, 0); err != nil || len(log) != 0 {
		t.Errorf("another tenant's log: %+v %v", log, err)
	}
}
