// Package ordering is onboarding's side of the marketplace contract, in
// one place for the server and the console's tests: the marketplace
// checks a product's Antragsstrecken against onboarding's catalogue, an
// order opens one onboarding case per ordered Antragsstrecke inside the
// order's transaction, and the order confirmation names onboarding's
// support contacts and Anbindungs-Sprechstunde. Neither domain imports
// the other; this package, below the composition root, joins them.
package ordering

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/onboarding"
)

// nextConsultations is how many dates of the Sprechstunde the order
// confirmation names.
const nextConsultations = 3

// Options returns o with onboarding's side of the contract filled in.
func Options(o marketplace.Options, s *onboarding.Store) marketplace.Options {
	o.KnownAntragsstrecken = s.Antragsstrecken
	o.OnOrderPlaced = func(ctx context.Context, tx bun.IDB, e marketplace.OrderPlaced) error {
		return OpenCases(ctx, tx, s, e)
	}
	o.OrderFollowUp = func(ctx context.Context, tx bun.IDB) (marketplace.FollowUp, error) {
		return FollowUp(ctx, tx, s)
	}
	return o
}

// OpenCases opens one case per ordered Antragsstrecke of the order, in
// the order's transaction tx; the municipality is told by mail unless the
// order is recorded history.
func OpenCases(ctx context.Context, tx bun.IDB, s *onboarding.Store, e marketplace.OrderPlaced) error {
	var keys []string
	for _, it := range e.Items {
		keys = append(keys, it.Antragsstrecken...)
	}
	open := s.OpenCases
	if e.History {
		open = s.RecordCases // no "Anbindungsprozess gestartet" for an order of the past
	}
	if err := open(ctx, tx, e.TenantID, e.OrderID, keys, e.OrderedAt); err != nil {
		return fmt.Errorf("open the cases of order %s: %w", e.OrderID, err)
	}
	return nil
}

// FollowUp is what the order confirmation says after the order:
// onboarding's support contacts and the Anbindungs-Sprechstunde (rule and
// next dates), read in the order's transaction tx.
func FollowUp(ctx context.Context, tx bun.IDB, s *onboarding.Store) (marketplace.FollowUp, error) {
	info, err := s.OrderInfo(ctx, tx, nextConsultations)
	if err != nil {
		return marketplace.FollowUp{}, err
	}
	out := marketplace.FollowUp{ConsultationTitle: info.ConsultationTitle, ConsultationWhen: info.ConsultationWhen,
		ConsultationWhere: info.ConsultationWhere, NextConsultations: info.NextConsultations}
	for _, c := range info.Contacts {
		out.Contacts = append(out.Contacts, marketplace.SupportContact{Name: c.Name, Role: c.Role, Mailbox: c.Mailbox, Phone: c.Phone})
	}
	return out, nil
}
