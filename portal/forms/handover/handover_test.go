package handover

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
)

// TestOutboxHandsOverEveryField: what the form store submits reaches the
// delivery outbox whole – every field of forms.Delivery and of its
// attachments has a value here, so a field added on one side and
// forgotten here fails the comparison.
func TestOutboxHandsOverEveryField(t *testing.T) {
	at := time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)
	in := forms.Delivery{ApplicationID: "app", TenantID: "harz", Antragsstrecke: "hzl", ReferenceNumber: "SP-2026-000001",
		XML: []byte("<xml/>"), PDF: []byte("%PDF"), SubmittedAt: at, XMLID: "xml-doc", PDFID: "pdf-doc",
		Attachments: []forms.Attachment{{Name: "ausweis.pdf", ContentType: "application/pdf", Data: []byte("%PDF-a"), ID: "att-doc"}}}
	for _, v := range []any{in, in.Attachments[0]} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Fatalf("the example leaves %s.%s empty: give it a value", rv.Type().Name(), rv.Type().Field(i).Name)
			}
		}
	}
	want := delivery.Document{ApplicationID: "app", TenantID: "harz", Antragsstrecke: "hzl", ReferenceNumber: "SP-2026-000001",
		XML: []byte("<xml/>"), PDF: []byte("%PDF"), SubmittedAt: at, XMLID: "xml-doc", PDFID: "pdf-doc",
		Attachments: []delivery.Attachment{{Name: "ausweis.pdf", ContentType: "application/pdf", Data: []byte("%PDF-a"), ID: "att-doc"}}}
	var got delivery.Document
	id, err := Outbox(func(_ context.Context, _ bun.IDB, d delivery.Document) (string, error) {
		got = d
		return "delivery-1", nil
	})(context.Background(), nil, in)
	if err != nil || id != "delivery-1" {
		t.Fatalf("Outbox: %q, %v", id, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("handed over\n%+v\nwant\n%+v", got, want)
	}
}

// TestDestinationKeepsOnboardingsAnswer: the form store sees the tenant,
// the liveness and the Kennung onboarding found, and its error.
func TestDestinationKeepsOnboardingsAnswer(t *testing.T) {
	harz := tenant.Tenant{ID: "harz", Name: "Landkreis Harz"}
	lookup := Destination(func(_ context.Context, tenantID, strecke string) (onboarding.Destination, error) {
		if tenantID != "harz" {
			return onboarding.Destination{}, tenant.ErrNotFound
		}
		return onboarding.Destination{Tenant: harz, Live: strecke == "hzl", Kennung: "sop:150850000100"}, nil
	})
	d, err := lookup(context.Background(), "harz", "hzl")
	if err != nil || d.Tenant == nil || d.Tenant.Name != "Landkreis Harz" || !d.Live || d.Kennung != "sop:150850000100" {
		t.Errorf("live HzL of Harz: %+v, %v", d, err)
	}
	if d, _ := lookup(context.Background(), "harz", "grusi"); d.Live {
		t.Error("GruSi is not live for Harz")
	}
	if _, err := lookup(context.Background(), "nirgends", "hzl"); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("unknown tenant: %v", err)
	}
}
