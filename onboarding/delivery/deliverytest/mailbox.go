package deliverytest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/tenant"
)

// Mailbox delivers test applications into a municipality's console
// mailbox (variant 2), for the tests of the mailbox's pages and API: the
// console's walks (admin) and the whole server's isolation matrix
// (cmd/sozialplattform). It writes through the services, as the platform
// does.
type Mailbox struct {
	DB       *migrations.DB
	Cases    *onboarding.Store
	Delivery *delivery.Service
	DVDV     *dvdv.Directory
}

// MailboxDelivery is an application delivered into a console mailbox and
// the onboarding case that routes it there.
type MailboxDelivery struct {
	MessageID, DeliveryID, CaseID string
}

// minimalPDF is the smallest file the upload checks take for a PDF.
const minimalPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// systemContext is the actor the set-up writes as.
func systemContext() context.Context {
	return tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
}

// PreparingCase returns the first of the tenant's cases whose preparation
// is not completed and whose Antragsstrecke usable accepts (nil: any).
// Without one, it opens a case for the first of candidates the tenant has
// no case of, as the order openedBy would, and returns that.
func (m Mailbox) PreparingCase(t testing.TB, tt *tenant.Tenant, openedBy string, candidates []string, usable func(strecke string) bool) *onboarding.Case {
	t.Helper()
	ctx := systemContext()
	cases, err := m.Cases.ListCases(ctx, tt.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		if cases[i].Phase(onboarding.PhasePreparation).Status != onboarding.Completed && (usable == nil || usable(cases[i].Antragsstrecke)) {
			return &cases[i]
		}
	}
	have := map[string]bool{}
	for _, cs := range cases {
		have[cs.Antragsstrecke] = true
	}
	i := slices.IndexFunc(candidates, func(k string) bool { return !have[k] })
	if i < 0 {
		t.Fatalf("%s has a case of every Antragsstrecke of %v", tt.Name, candidates)
	}
	strecke := candidates[i]
	if err := m.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return m.Cases.OpenCases(ctx, tx, tt.ID, openedBy, []string{strecke}, time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if cases, err = m.Cases.ListCases(ctx, tt.ID); err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		if cases[i].Antragsstrecke == strecke {
			return &cases[i]
		}
	}
	t.Fatalf("%s has no case of %s after opening it", tt.Name, strecke)
	return nil
}

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
