package delivery

import (
	"context"
	"errors"
)

// Route says how a tenant's applications of one Antragsstrecke travel; it
// comes from the onboarding case.
type Route struct {
	CaseID  string `json:"caseId,omitempty"`
	Variant int    `json:"variant"`
	// TenantName and Region (ARS with "DE", e.g. "DE15085") describe the
	// receiving authority.
	TenantName string `json:"tenantName,omitempty"`
	Region     string `json:"region,omitempty"`
	// Variant 1: the authority's DVDV Behördenkennung (the reader); its
	// intermediary (address, certificate) comes from the DVDV entry.
	DVDVKennung string `json:"dvdvKennung,omitempty"`
	// Variant 3: the destination the municipality named, and the service
	// (LeiKa identifier from the ministry's catalogue) it must offer. The
	// encryption key comes from the destination itself.
	DestinationID string `json:"destinationId,omitempty"`
	Service       string `json:"service,omitempty"`
	// Label names the Antragsstrecke ("Hilfe zum Lebensunterhalt 1.0").
	Label string `json:"label,omitempty"`
}

// Router finds the route of a tenant's Antragsstrecke.
type Router interface {
	Route(ctx context.Context, tenantID, antragsstrecke string) (Route, error)
}

// CaseResolver names the tenant and Antragsstrecke of an onboarding case.
type CaseResolver interface {
	Case(ctx context.Context, caseID string) (tenantID, antragsstrecke string, err error)
}

// ErrNoRoute says that no connection is set up for the Antragsstrecke.
var ErrNoRoute = errors.New("für diese Antragsstrecke ist keine Anbindung eingerichtet")

// The three variants.
const (
	VariantXTA2       = 1
	VariantMailbox    = 2
	VariantFITConnect = 3
)

// VariantLabel names a variant in German.
func VariantLabel(v int) string {
	switch v {
	case VariantXTA2:
		return "OSCI/XTA2"
	case VariantMailbox:
		return "OSCI-Client (Postfach)"
	case VariantFITConnect:
		return "FIT-Connect"
	}
	return "noch nicht ermittelt"
}
