package onboarding

import (
	"context"
	"fmt"

	"sozialplattform/tenant"
)

// ReaderIdentity names the municipality's DVDV identity for an
// Antragsstrecke – the reader of the XSozial message and the XTA2
// transport: the Behördenkennung its onboarding case for that
// Antragsstrecke records, else the one derived from its official key
// (tenant.DefaultDVDVKennung); the name is the tenant's.
func (s *Store) ReaderIdentity(ctx context.Context, tenantID, antragsstrecke string) (kennung, name string, err error) {
	t, err := tenantByID(ctx, s.db.Read, tenantID)
	if err != nil {
		return "", "", fmt.Errorf("reader identity: %w", err)
	}
	cases, err := s.ListCases(ctx, tenantID)
	if err != nil {
		return "", "", fmt.Errorf("reader identity of %s: %w", tenantID, err)
	}
	for _, c := range cases {
		if c.Antragsstrecke == antragsstrecke && c.Transport.DVDVKennung != "" {
			return c.Transport.DVDVKennung, t.Name, nil
		}
	}
	return (&tenant.Tenant{OfficialKey: t.OfficialKey}).DefaultDVDVKennung(), t.Name, nil
}
