package forms_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/tenant"
)

// Staff reads of applications are audited: the list, every opened
// application and every download, each in the application's tenant. A
// tenant the guard refuses sees nothing, and nothing is logged for it.
func TestStaffAccessIsAudited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "sachbearbeitung@example.org"})
	rc := f.submitHzL(t)
	harzOnly := func(id string) bool { return id == f.harz.ID }
	nobody := func(string) bool { return false }

	items, total, err := f.store.ListForStaff(ctx, forms.Filter{TenantIDs: []string{f.harz.ID}, Query: rc.Reference[len(rc.Reference)-3:]}, harzOnly)
	if err != nil || total != 1 || len(items) != 1 || items[0].ID != rc.ApplicationID || items[0].DeliveryID == "" {
		t.Fatalf("list: %+v %d %v", items, total, err)
	}
	if items, total, _ := f.store.ListForStaff(ctx, forms.Filter{TenantIDs: []string{f.harz.ID}, Query: "SP-1999"}, harzOnly); total != 0 || len(items) != 0 {
		t.Errorf("search for another number: %+v", items)
	}
	if items, _, _ := f.store.ListForStaff(ctx, forms.Filter{TenantIDs: []string{f.harz.ID}}, nobody); len(items) != 0 {
		t.Errorf("refused tenant listed: %+v", items)
	}

	d, err := f.store.OpenForStaff(ctx, rc.ApplicationID, "de", harzOnly)
	if err != nil || d.Reference != rc.Reference || len(d.Answers) == 0 {
		t.Fatalf("open: %+v %v", d, err)
	}
	if _, err := f.store.OpenForStaff(ctx, rc.ApplicationID, "de", nobody); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("open refused: %v", err)
	}
	var upload string
	for _, doc := range d.Documents {
		if doc.Kind == forms.DocAttachment {
			upload = doc.ID
		}
	}
	for _, kd := range [][2]string{{forms.DocPDF, ""}, {forms.DocXML, ""}, {forms.DocAttachment, upload}} {
		info, data, err := f.store.DocumentForStaff(ctx, rc.ApplicationID, kd[0], kd[1], harzOnly)
		if err != nil || len(data) == 0 || info.Kind != kd[0] {
			t.Fatalf("download %s: %+v %v", kd[0], info, err)
		}
		// The upload comes back as the citizen sent it (it moved over
		// from the draft sealed as it was).
		if kd[0] == forms.DocAttachment && (!bytes.Equal(data, formstest.PDF) || info.Name != "ausweis.pdf") {
			t.Errorf("attachment: %+v", info)
		}
	}
	if _, _, err := f.store.DocumentForStaff(ctx, rc.ApplicationID, forms.DocPDF, "", nobody); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("download refused: %v", err)
	}

	log, err := f.tenants.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{f.harz.ID}, ObjectType: forms.ObjApplication})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range log {
		if e.ActorLabel == "sachbearbeitung@example.org" {
			count[e.Action]++
		}
	}
	if count["list"] != 2 || count["read"] != 1 || count["download"] != 3 {
		t.Errorf("audited %v", count)
	}
	if s := mustJSON(log); strings.Contains(s, "Muster") || strings.Contains(s, "ausweis.pdf") {
		t.Errorf("the audit log holds personal data: %s", s)
	}
}
