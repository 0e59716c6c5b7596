// Package handover joins the application forms to onboarding, the one
// place that knows both: where a municipality's applications go (its
// onboarding case) and how a submitted application enters the delivery
// outbox. Onboarding and its delivery know nothing of forms (the house's
// dependency rule), so the server – and the console's test kit – wire the
// form store with these adapters.
package handover

import (
	"context"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/forms"
)

// Outbox hands a submitted application to a delivery outbox's enqueue
// (delivery.Service.Enqueue, or delivery.Enqueue without a service),
// inside the submission's transaction.
func Outbox(enqueue func(context.Context, bun.IDB, delivery.Document) (string, error)) forms.Outbox {
	return func(ctx context.Context, db bun.IDB, d forms.Delivery) (string, error) {
		return enqueue(ctx, db, document(d))
	}
}

// Destination answers the form store's question where a submission goes
// with onboarding's Destination: the tenant, whether its case for the
// Antragsstrecke is live, and the Behördenkennung the case records.
func Destination(lookup func(ctx context.Context, tenantID, antragsstrecke string) (onboarding.Destination, error)) forms.DestinationLookup {
	return func(ctx context.Context, tenantID, antragsstrecke string) (forms.Destination, error) {
		d, err := lookup(ctx, tenantID, antragsstrecke)
		if err != nil {
			return forms.Destination{}, err
		}
		return forms.Destination{Tenant: &d.Tenant, Live: d.Live, Kennung: d.Kennung}, nil
	}
}

// document is a submitted application as the delivery receives it.
func document(d forms.Delivery) delivery.Document {
	atts := make([]delivery.Attachment, len(d.Attachments))
	for i, at := range d.Attachments {
		atts[i] = delivery.Attachment{Name: at.Name, ContentType: at.ContentType, Data: at.Data, ID: at.ID}
	}
	return delivery.Document{ApplicationID: d.ApplicationID, TenantID: d.TenantID, Antragsstrecke: d.Antragsstrecke,
		ReferenceNumber: d.ReferenceNumber, XML: d.XML, PDF: d.PDF, Attachments: atts, SubmittedAt: d.SubmittedAt,
		XMLID: d.XMLID, PDFID: d.PDFID}
}
