package forms

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// Guard says whether the caller may see the personal data of a tenant's
// applications (see MayReadPersonal); the store asks it for the tenant of
// the application at hand, so a wrong ID can never reach another tenant.
type Guard func(tenantID string) bool

// ListForStaff is List for the municipality's staff in the console: the
// list names reference numbers of citizens' applications, so every look
// at it is written to the audit log of each listed tenant, as the mailbox
// of variant 2 does. Tenants the guard refuses are left out.
func (s *Store) ListForStaff(ctx context.Context, f Filter, guard Guard) ([]Application, int, error) {
	var ids []string
	for _, id := range f.TenantIDs {
		if guard != nil && guard(id) {
			ids = append(ids, id)
		}
	}
	f.TenantIDs = ids
	items, total, err := s.List(ctx, f)
	if err != nil || len(ids) == 0 {
		return items, total, err
	}
	err = s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, id := range ids {
			if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: id, Action: "list", ObjectType: ObjApplication,
				Summary: map[string]any{"count": len(items), "total": total, "antragsstrecke": f.Antragsstrecke, "status": string(f.Status)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("audit application list: %w", err)
	}
	return items, total, nil
}

// OpenForStaff returns an application with its answers for the
// municipality's staff and writes the read to the audit log. An
// application the guard refuses is not found; without the audit entry
// nothing is returned.
func (s *Store) OpenForStaff(ctx context.Context, id, lang string, guard Guard) (*Details, error) {
	d, err := s.Details(ctx, id, lang)
	if err != nil {
		return nil, err
	}
	if guard == nil || !guard(d.TenantID) {
		return nil, ErrNotFound
	}
	err = s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: d.TenantID, Action: "read", ObjectType: ObjApplication, ObjectID: id,
			Summary: map[string]any{"reference": d.Reference}})
	})
	if err != nil {
		return nil, fmt.Errorf("audit application read: %w", err)
	}
	return d, nil
}

// DocumentForStaff returns a document of an application (the first of
// its kind, or the attachment docID) for the municipality's staff and
// writes the download to the audit log. The entry names the document,
// not its file name: citizens name their uploads freely.
func (s *Store) DocumentForStaff(ctx context.Context, applicationID, kind, docID string, guard Guard) (*DocumentInfo, []byte, error) {
	a, err := s.Get(ctx, applicationID)
	if err != nil {
		return nil, nil, err
	}
	if guard == nil || !guard(a.TenantID) {
		return nil, nil, ErrNotFound
	}
	info, data, err := s.Document(ctx, applicationID, kind, docID)
	if err != nil {
		return nil, nil, err
	}
	err = s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: a.TenantID, Action: "download", ObjectType: ObjApplication, ObjectID: applicationID,
			Summary: map[string]any{"reference": a.Reference, "kind": info.Kind, "document": info.ID}})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("audit application download: %w", err)
	}
	return info, data, nil
}
