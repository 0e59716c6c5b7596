package tenant

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/keyset"
)

// tenantRow binds Tenant to its table without putting bun's BaseModel into
// the public type.
type tenantRow struct {
	bun.BaseModel `bun:"table:tenants"`
	Tenant
}

// GetTenant returns a tenant by ID.
func (s *Store) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	var row tenantRow
	err := s.db.Read.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx)
	if err != nil {
		return nil, fault.NotFound(err, "tenant "+id)
	}
	return &row.Tenant, nil
}

// ResolveTenant finds a tenant by ID, official key or slug – whatever a user
// typed to name it.
func (s *Store) ResolveTenant(ctx context.Context, ref string) (*Tenant, error) {
	ref = strings.TrimSpace(ref)
	var row tenantRow
	q := s.db.Read.NewSelect().Model(&row)
	if key, err := ParseOfficialKey(ref); err == nil {
		q = q.Where("official_key = ?", key)
	} else {
		q = q.Where("id = ? OR slug = ?", ref, ref)
	}
	if err := q.Limit(1).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "tenant "+ref)
	}
	return &row.Tenant, nil
}

// TenantFilter narrows a tenant listing.
type TenantFilter struct {
	IDs      []string // only these (what the caller may see); nil = no limit
	Kind     Kind
	ParentID string
	Query    string // part of the name, key or slug
	Active   *bool
}

// ListTenants returns matching tenants ordered by official key, then name.
// Like ListTenantsPage it answers from memory while the tenants' change
// counter stands (listcache.go), with the same caveat for the caller.
func (s *Store) ListTenants(ctx context.Context, f TenantFilter) ([]Tenant, error) {
	q, ok := f.query(s.db.Read)
	if !ok {
		return []Tenant{}, nil
	}
	counter, err := s.TenantsCounter(ctx)
	if err != nil {
		return nil, err
	}
	key := s.tenantPages.key(f, keyset.Page[TenantKey]{})
	key.size = allTenants
	if rows, ok := s.tenantPages.get(counter, key, f.IDs); ok {
		return rows, nil
	}
	rows, err := scanTenants(ctx, q.OrderExpr("CASE WHEN official_key IS NULL THEN 1 ELSE 0 END, official_key, name"))
	if err != nil {
		return nil, err
	}
	s.tenantPages.put(counter, key, f.IDs, rows)
	return rows, nil
}

// query selects the tenants f matches; ok is false when none can.
func (f TenantFilter) query(db bun.IDB) (q *bun.SelectQuery, ok bool) {
	q = db.NewSelect().Model((*tenantRow)(nil))
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, false
		}
		q = q.Where("id IN (?)", bun.In(f.IDs))
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.ParentID != "" {
		q = q.Where("parent_id = ?", f.ParentID)
	}
	if f.Query != "" {
		like := "%" + strings.ToLower(f.Query) + "%"
		q = q.Where("(LOWER(name) LIKE ? OR official_key LIKE ? OR slug LIKE ?)", like, like, like)
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	return q, true
}

func scanTenants(ctx context.Context, q *bun.SelectQuery) ([]Tenant, error) {
	var rows []tenantRow
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	out := make([]Tenant, len(rows))
	for i := range rows {
		out[i] = rows[i].Tenant
	}
	return out, nil
}

// CreateTenant validates and stores a new tenant. The ID and, when empty,
// the slug are set here.
func (s *Store) CreateTenant(ctx context.Context, t *Tenant) error {
	if err := t.validate(); err != nil {
		return err
	}
	if t.Slug == "" {
		t.Slug = Slugify(t.Name)
	}
	if err := checkSlugFree(t.Slug); err != nil {
		return err
	}
	now := s.now()
	t.ID = uuid.Must(uuid.NewV7()).String()
	t.Version = 1
	t.CreatedAt, t.UpdatedAt = now, now
	return s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkPlacement(ctx, tx, t); err != nil {
			return err
		}
		if err := s.checkUnique(ctx, tx, t); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&tenantRow{Tenant: *t}).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return fault.Field("officialKey", "Amtlicher Schlüssel oder Kurzname ist bereits vergeben.")
			}
			return fmt.Errorf("insert tenant: %w", err)
		}
		return WriteAudit(ctx, tx, Audit{
			TenantID: t.ID, Action: "create", ObjectType: "tenant", ObjectID: t.ID,
			Summary: map[string]any{"after": tenantSummary(t)},
		})
	})
}

// checkPlacement checks that the parent exists, fits the kind, and that the
// official key lies within the parent's ("15085" below "15").
func (s *Store) checkPlacement(ctx context.Context, db bun.IDB, t *Tenant) error {
	parents := allowedParents[t.Kind]
	if t.Parent() == "" {
		if parents != nil {
			return fault.Field("parentId", "Eine Körperschaft der Art %s braucht eine übergeordnete Körperschaft.", t.Kind.Label())
		}
		return nil
	}
	var parent tenantRow
	if err := db.NewSelect().Model(&parent).Where("id = ?", t.Parent()).Scan(ctx); err != nil {
		return fault.Field("parentId", "Die übergeordnete Körperschaft gibt es nicht.")
	}
	ok := false
	for _, k := range parents {
		ok = ok || parent.Kind == k
	}
	if !ok {
		return fault.Field("parentId", "Eine Körperschaft der Art %s kann nicht unter einer der Art %s stehen.", t.Kind.Label(), parent.Kind.Label())
	}
	if t.OfficialKey != nil && parent.OfficialKey != nil && t.Kind != KindOrganisation && t.Kind != KindLandesbehoerde &&
		!strings.HasPrefix(*t.OfficialKey, *parent.OfficialKey) {
		return fault.Field("officialKey", "Der Schlüssel %s liegt nicht im Gebiet von %s (%s).", *t.OfficialKey, parent.Name, *parent.OfficialKey)
	}
	return nil
}

// reservedSlugs are the first path segments the server routes itself
// (console, API, static files, operations, the portal's own pages at the
// root, the citizen account, …): a tenant named so could never be reached
// at /{slug}/. cmd/sozialplattform's tests derive the routed segments from
// the route tables and fail when one is missing here.
var reservedSlugs = []string{
	"admin", "antrag", "api", "barrierefreiheit", "beratung", "datenschutz", "fit-connect", "gebaerdensprache",
	"healthz", "impressum", "kalender", "leichte-sprache", "leistungen", "marktplatz", "metrics", "readyz",
	"servicekonto", "sozialleistungsfinder", "static", "termine",
}

// ReservedSlug reports whether slug is a path segment the server keeps
// for itself.
func ReservedSlug(slug string) bool {
	return slices.Contains(reservedSlugs, slug)
}

// checkSlugFree refuses an empty slug (a name without letters or digits)
// and a reserved one.
func checkSlugFree(slug string) error {
	if slug == "" {
		return fault.Field("slug", "Bitte geben Sie einen Kurznamen an; aus dem Namen lässt sich keiner bilden.")
	}
	if ReservedSlug(slug) {
		return fault.Field("slug", "Der Kurzname „%s“ ist für eine Seite der Plattform reserviert (/%s/). Bitte wählen Sie einen anderen, z. B. den Namen der Körperschaft.", slug, slug)
	}
	return nil
}

// checkUnique answers a taken key or slug with a field error before the
// database's unique index would answer with a less helpful one.
func (s *Store) checkUnique(ctx context.Context, db bun.IDB, t *Tenant) error {
	var errs FieldErrors
	if t.OfficialKey != nil {
		n, err := db.NewSelect().Table("tenants").Where("official_key = ? AND id <> ?", *t.OfficialKey, t.ID).Count(ctx)
		if err != nil {
			return fmt.Errorf("check official key: %w", err)
		}
		if n > 0 {
			errs.Add("officialKey", "Der amtliche Schlüssel %s ist bereits vergeben.", *t.OfficialKey)
		}
	}
	n, err := db.NewSelect().Table("tenants").Where("slug = ? AND id <> ?", t.Slug, t.ID).Count(ctx)
	if err != nil {
		return fmt.Errorf("check slug: %w", err)
	}
	if n > 0 {
		errs.Add("slug", "Der Kurzname %q ist bereits vergeben.", t.Slug)
	}
	return errs.Err()
}

// TenantPatch holds the fields an update changes; nil means unchanged.
type TenantPatch struct {
	Name            *string
	OfficialKey     *string
	Slug            *string
	FunctionMailbox *string
	Street          *string
	PostalCode      *string
	City            *string
	Contacts        *[]Contact
	ITProvider      *string
	Active          *bool
}

// UpdateTenant applies a patch. When version is not 0 it must match the
// stored version (optimistic locking); otherwise ErrStaleVersion.
func (s *Store) UpdateTenant(ctx context.Context, id string, version int, p TenantPatch) (*Tenant, error) {
	var out *Tenant
	err := s.policyTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var row tenantRow
		if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "tenant "+id)
		}
		if version != 0 && row.Version != version {
			return ErrStaleVersion
		}
		before := tenantSummary(&row.Tenant)
		t := row.Tenant
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&t.Name, p.Name)
		set(&t.Slug, p.Slug)
		set(&t.FunctionMailbox, p.FunctionMailbox)
		set(&t.Street, p.Street)
		set(&t.PostalCode, p.PostalCode)
		set(&t.City, p.City)
		set(&t.ITProvider, p.ITProvider)
		if p.OfficialKey != nil {
			k := *p.OfficialKey
			t.OfficialKey = &k
		}
		if p.Contacts != nil {
			t.Contacts = *p.Contacts
		}
		if p.Active != nil {
			t.Active = *p.Active
		}
		if err := t.validate(); err != nil {
			return err
		}
		if t.Slug == "" {
			return fault.Field("slug", "Bitte geben Sie einen Kurznamen an.")
		}
		if t.Slug != row.Slug {
			if err := checkSlugFree(t.Slug); err != nil {
				return err
			}
		}
		if err := s.checkPlacement(ctx, tx, &t); err != nil {
			return err
		}
		if err := s.checkUnique(ctx, tx, &t); err != nil {
			return err
		}
		t.Version = row.Version + 1
		t.UpdatedAt = s.now()
		res, err := tx.NewUpdate().Model(&tenantRow{Tenant: t}).WherePK().Where("version = ?", row.Version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update tenant: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrStaleVersion
		}
		out = &t
		return WriteAudit(ctx, tx, Audit{
			TenantID: t.ID, Action: "update", ObjectType: "tenant", ObjectID: t.ID,
			Summary: diffSummary(before, tenantSummary(&t)),
		})
	})
	return out, err
}

// tenantSummary is what the audit log keeps of a tenant.
func tenantSummary(t *Tenant) map[string]any {
	return map[string]any{
		"name": t.Name, "kind": string(t.Kind), "officialKey": t.Key(), "slug": t.Slug,
		"functionMailbox": t.FunctionMailbox, "street": t.Street, "postalCode": t.PostalCode,
		"city": t.City, "itProvider": t.ITProvider, "active": t.Active, "contacts": len(t.Contacts),
	}
}

// diffSummary keeps only the fields that changed, as before/after pairs.
func diffSummary(before, after map[string]any) map[string]any {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			b[k], a[k] = before[k], v
		}
	}
	return map[string]any{"before": b, "after": a}
}

// TreeNode is a tenant's place in the hierarchy.
type TreeNode struct {
	ID       string
	ParentID string
}

// Tree returns every tenant's ID and parent; the authorizer keeps it in
// memory to pass rights down the hierarchy.
func Tree(ctx context.Context, db bun.IDB) ([]TreeNode, error) {
	var rows []struct {
		ID       string  `bun:"id"`
		ParentID *string `bun:"parent_id"`
	}
	if err := db.NewSelect().Table("tenants").Column("id", "parent_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load tenant tree: %w", err)
	}
	out := make([]TreeNode, len(rows))
	for i, r := range rows {
		out[i] = TreeNode{ID: r.ID}
		if r.ParentID != nil {
			out[i].ParentID = *r.ParentID
		}
	}
	return out, nil
}
