package deliverytest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/tenant"
)

// minimalPDF is the smallest file the upload checks take for a PDF.
const minimalPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// Deliver routes case c of the tenant to the console mailbox (variant 2),
// delivers an application of its Antragsstrecke there (application
// "isolation-<tenant ID>", reference number "ISO-<key>") and makes sure
// the DVDV directory has an entry for kennung.
func (m Mailbox) Deliver(t testing.TB, tt *tenant.Tenant, c *onboarding.Case, kennung string) MailboxDelivery {
	t.Helper()
	ctx := systemContext()
	if v := onboarding.VariantOSCIClient; c.Variant != v {
		if _, err := m.Cases.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v}); err != nil {
			t.Fatal(err)
		}
	}
	var id string
	err := m.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		id, err = delivery.Enqueue(ctx, tx, delivery.Document{ApplicationID: "isolation-" + tt.ID, TenantID: tt.ID, Antragsstrecke: c.Antragsstrecke,
			ReferenceNumber: "ISO-" + tt.Key(), XML: []byte(`<?xml version="1.0"?><antrag/>`), PDF: []byte(minimalPDF)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Delivery.Drive(ctx, id, 0); err != nil {
		t.Fatal(err)
	}
	list, err := m.Delivery.ListMailbox(ctx, tt.ID, delivery.MailboxFilter{})
	if err != nil || len(list) == 0 {
		t.Fatalf("mailbox of %s: %v (%d)", tt.Name, err, len(list))
	}
	if _, err := m.DVDV.Lookup(ctx, kennung); errors.Is(err, dvdv.ErrNotFound) {
		ca, err := pki.NewCA("Test-Intermediär", time.Now(), 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.DVDV.Put(ctx, "", kennung, 0, dvdv.Input{Name: "Landkreis Harz", Endpoint: "https://xta.example/ws",
			Certificate: string(pki.CertPEM(ca.Cert)), Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	return MailboxDelivery{MessageID: list[0].ID, DeliveryID: id, CaseID: c.ID}
}
