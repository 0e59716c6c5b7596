package www

import (
	"context"
	"slices"

	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// officeSource answers the offices of tenants, each tenant read once per
// request.
type officeSource struct {
	p    *Portal
	seen map[string][]site.Office
}

func (p *Portal) officeSource() *officeSource {
	return &officeSource{p: p, seen: map[string][]site.Office{}}
}

func (s *officeSource) of(ctx context.Context, tenantID string) ([]site.Office, error) {
	if o, ok := s.seen[tenantID]; ok {
		return o, nil
	}
	o, err := s.p.site.Offices(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	s.seen[tenantID] = o
	return o, nil
}

// officeBodies are the tenants that may name the office for a service in
// an area, most responsible first: whoever runs its Antragsstrecken there
// (the Kreis for SGB XII in a Gemeinde, unless the Land delegated the
// service to the Gemeinden), then the Gemeinde, the Kreis and the Land,
// whose offices (the Familienkasse, the Landesverwaltungsamt) serve every
// place.
func (p *Portal) officeBodies(ctx context.Context, a area, svc site.Service) ([]*tenant.Tenant, error) {
	var bodies []*tenant.Tenant
	add := func(t *tenant.Tenant) {
		if t != nil && !slices.ContainsFunc(bodies, func(b *tenant.Tenant) bool { return b.ID == t.ID }) {
			bodies = append(bodies, t)
		}
	}
	for _, strecke := range svc.Antragsstrecken {
		r, err := p.responsibleFor(ctx, a, strecke)
		if err != nil {
			return nil, err
		}
		add(r.Tenant)
	}
	add(a.gemeinde)
	add(a.kreis)
	land, err := p.landSite(ctx)
	if err != nil {
		return nil, err
	}
	add(land.Tenant)
	return bodies, nil
}

// officesFor returns the offices for a service in an area: those the
// first of the officeBodies registered for the service's Rechtskreis.
// None when no body names one.
func (p *Portal) officesFor(ctx context.Context, src *officeSource, a area, svc site.Service) ([]site.Office, error) {
	bodies, err := p.officeBodies(ctx, a, svc)
	if err != nil {
		return nil, err
	}
	for _, t := range bodies {
		all, err := src.of(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		var out []site.Office
		for _, o := range all {
			if o.Rechtskreis == svc.Rechtskreis {
				out = append(out, o)
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, nil
}

// fallbackOffice names, where no office is registered for a service, the
// administration of the body that is responsible for it: its address
// from the tenant record, phone, e-mail and hours from its portal
// settings. Without any body on the platform it names the Kreis by name.
func (p *Portal) fallbackOffice(ctx context.Context, a area, svc site.Service) (site.Office, error) {
	var t *tenant.Tenant
	for _, strecke := range svc.Antragsstrecken {
		r, err := p.responsibleFor(ctx, a, strecke)
		if err != nil {
			return site.Office{}, err
		}
		if r.Tenant != nil {
			t = r.Tenant
			break
		}
	}
	if t == nil {
		t = a.kreis
	}
	if t == nil {
		t = a.gemeinde
	}
	if t == nil {
		return site.Office{Rechtskreis: svc.Rechtskreis, Name: a.kreisName}, nil
	}
	set, err := p.site.Settings(ctx, t.ID)
	if err != nil {
		return site.Office{}, err
	}
	o := site.Office{Rechtskreis: svc.Rechtskreis, Name: t.Name, Street: t.Street, PostalCode: t.PostalCode, City: t.City,
		Phone: set.Phone, Email: set.Email, Hours: set.Hours, Website: set.Website}
	if o.Email == "" {
		o.Email = t.FunctionMailbox
	}
	return o, nil
}

// officeGroup is a Rechtskreis with the offices a municipality's page
// names for it.
type officeGroup struct {
	Rechtskreis string
	Offices     []site.Office
}

// areaOffices returns, per Rechtskreis, the offices for the services of
// the area, routed like officesFor: a Gemeinde's page names its Kreis'
// Sozialamt for HzL when the Kreis runs HzL for it, its own office where
// the service is the Gemeinde's, and the Familienkasse of the Land.
func (p *Portal) areaOffices(ctx context.Context, a area) ([]officeGroup, error) {
	src := p.officeSource()
	byRK := map[string][]site.Office{}
	var services []site.Service
	for _, rk := range site.Rechtskreise {
		n := len(services)
		for _, svc := range site.Services {
			if svc.Rechtskreis == rk.Key {
				services = append(services, svc)
			}
		}
		if len(services) == n { // a Rechtskreis without an information page (SGB XIV)
			services = append(services, site.Service{Rechtskreis: rk.Key})
		}
	}
	for _, svc := range services {
		offices, err := p.officesFor(ctx, src, a, svc)
		if err != nil {
			return nil, err
		}
		for _, o := range offices {
			if !slices.ContainsFunc(byRK[o.Rechtskreis], func(x site.Office) bool { return x.ID == o.ID }) {
				byRK[o.Rechtskreis] = append(byRK[o.Rechtskreis], o)
			}
		}
	}
	var out []officeGroup
	for _, rk := range site.Rechtskreise {
		if len(byRK[rk.Key]) > 0 {
			out = append(out, officeGroup{Rechtskreis: rk.Key, Offices: byRK[rk.Key]})
		}
	}
	return out, nil
}
