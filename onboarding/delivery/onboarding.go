package delivery

import (
	"context"
	"fmt"
	"strings"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// OnboardingRouter routes by the municipalities' onboarding cases: the
// case of the tenant's Antragsstrecke names the variant and its
// transport parameters.
type OnboardingRouter struct {
	Cases   *onboarding.Store
	Tenants *tenant.Store
}

// Route implements Router.
func (o OnboardingRouter) Route(ctx context.Context, tenantID, antragsstrecke string) (Route, error) {
	cases, err := o.Cases.ListCases(ctx, tenantID)
	if err != nil {
		return Route{}, err
	}
	for _, c := range cases {
		if c.Antragsstrecke != antragsstrecke {
			continue
		}
		return o.routeOf(ctx, &c)
	}
	return Route{}, fmt.Errorf("%s: %w", antragsstrecke, ErrNoRoute)
}

func (o OnboardingRouter) routeOf(ctx context.Context, c *onboarding.Case) (Route, error) {
	if !c.Variant.Valid() {
		return Route{}, fmt.Errorf("%s: %w", c.Antragsstrecke, ErrNoRoute)
	}
	t, err := o.Tenants.GetTenant(ctx, c.TenantID)
	if err != nil {
		return Route{}, err
	}
	rt := Route{CaseID: c.ID, Variant: int(c.Variant), TenantName: t.Name, Label: c.Antragsstrecke}
	st, err := o.Cases.AntragsstreckeByKey(ctx, c.Antragsstrecke)
	if err != nil {
		return Route{}, err
	}
	rt.Label = st.Label
	if k := t.Key(); k != "" {
		rt.Region = "DE" + k
	}
	tr := c.Transport
	switch c.Variant {
	case onboarding.VariantOSCIXTA2:
		rt.DVDVKennung = tr.DVDVKennung
		if rt.DVDVKennung == "" {
			return Route{}, fmt.Errorf("%s: die DVDV-Behördenkennung fehlt: %w", c.Antragsstrecke, ErrNoRoute)
		}
	case onboarding.VariantFITConnect:
		rt.DestinationID, rt.Service = tr.DestinationID, st.FITConnectService
		if missing := tr.Missing(c.Variant); len(missing) > 0 {
			return Route{}, fmt.Errorf("%s: es fehlen %s: %w", c.Antragsstrecke, strings.Join(missing, ", "), ErrNoRoute)
		}
		if rt.Service == "" {
			return Route{}, &NoServiceError{Antragsstrecke: c.Antragsstrecke, Label: st.Label}
		}
	}
	return rt, nil
}

// Case implements CaseResolver.
func (o OnboardingRouter) Case(ctx context.Context, caseID string) (string, string, error) {
	c, err := o.Cases.GetCase(ctx, caseID)
	if err != nil {
		return "", "", err
	}
	return c.TenantID, c.Antragsstrecke, nil
}

// NoServiceError says that the ministry has not yet recorded the
// FIT-Connect service identifier (LeiKa) of an Antragsstrecke: nothing can
// be announced to a destination without it.
type NoServiceError struct{ Antragsstrecke, Label string }

func (e *NoServiceError) Error() string {
	return "Für die Antragsstrecke „" + e.Label + "“ hat das Ministerium noch keine FIT-Connect-Leistungskennung (LeiKa) hinterlegt " +
		"(Konsole: Anbindung → Antragsstrecken); ohne sie kann kein Zustellpunkt die Einreichung annehmen."
}

// Unwrap makes errors.Is(err, ErrNoRoute) true.
func (e *NoServiceError) Unwrap() error { return ErrNoRoute }
