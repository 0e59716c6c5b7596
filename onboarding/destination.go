package onboarding

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
)

// Destination is what a submission needs to know about where it goes:
// the municipality, whether it runs the Antragsstrecke live, and the DVDV
// identity it reads under.
type Destination struct {
	Tenant tenant.Tenant
	// Live: the case's last phase, Produktivtest und Livegang, is
	// completed – the portal offers exactly these Antragsstrecken.
	Live bool
	// Kennung is the reader of the XSozial message and the XTA2 transport:
	// the Behördenkennung the case for the Antragsstrecke records, else the
	// one derived from the official key (tenant.DefaultDVDVKennung).
	Kennung string
}

// Destination reads a municipality's destination for an Antragsstrecke in
// one query – every submission asks, so the tenant, the case's phase and
// its transport come in one round trip. An unknown tenant is a not-found
// error; a tenant without a case for the Antragsstrecke is not live.
func (s *Store) Destination(ctx context.Context, tenantID, antragsstrecke string) (Destination, error) {
	var row struct {
		bun.BaseModel `bun:"table:tenants,alias:t"`
		tenant.Tenant
		ProductionStatus *string `bun:"production_status,scanonly"`
		Transport        *string `bun:"transport,scanonly"`
	}
	err := s.db.Read.NewSelect().Model(&row).ColumnExpr("t.*").ColumnExpr("c.production_status, c.transport").
		Join("LEFT JOIN onboarding_cases AS c ON c.tenant_id = t.id AND c.antragsstrecke = ?", antragsstrecke).
		Where("t.id = ?", tenantID).Scan(ctx)
	if err != nil {
		return Destination{}, fault.NotFound(err, "tenant "+tenantID)
	}
	d := Destination{Tenant: row.Tenant, Live: row.ProductionStatus != nil && Status(*row.ProductionStatus) == Completed}
	if row.Transport != nil && *row.Transport != "" {
		var t Transport
		if err := json.Unmarshal([]byte(*row.Transport), &t); err != nil {
			return Destination{}, fmt.Errorf("destination of %s for %s: transport parameters: %w", tenantID, antragsstrecke, err)
		}
		d.Kennung = t.DVDVKennung
	}
	if d.Kennung == "" {
		d.Kennung = d.Tenant.DefaultDVDVKennung()
	}
	return d, nil
}
