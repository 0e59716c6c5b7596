package counselling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/keyset"
)

// Version states.
const (
	StatePublished = "published" // went live (the current one or an earlier one)
	StatePending   = "pending"   // waits for the Landesredaktion
	StateRejected  = "rejected"  // the Landesredaktion refused it
	StateWithdrawn = "withdrawn" // replaced by a newer change while waiting
)

// StateLabel is the German name of a version state.
func StateLabel(state string) string {
	switch state {
	case StatePublished:
		return "veröffentlicht"
	case StatePending:
		return "wartet auf Prüfung"
	case StateRejected:
		return "abgelehnt"
	case StateWithdrawn:
		return "durch neuere Änderung ersetzt"
	}
	return state
}

// centreRow is a row of counselling_centres.
type centreRow struct {
	bun.BaseModel `bun:"table:counselling_centres"`

	ID               string     `bun:"id,pk"`
	Name             string     `bun:"name"`
	CurrentVersion   int        `bun:"current_version"`
	PublishedVersion *int       `bun:"published_version"`
	PendingVersion   *int       `bun:"pending_version"`
	PublishedData    *string    `bun:"published_data"`
	PublishedName    string     `bun:"published_name"`
	PublishedAt      *time.Time `bun:"published_at"`
	VerifiedOn       *time.Time `bun:"verified_on"`
	StaleRemindedAt  *time.Time `bun:"stale_reminded_at"`
	Version          int        `bun:"version"`
	CreatedAt        time.Time  `bun:"created_at"`
	UpdatedAt        time.Time  `bun:"updated_at"`
}

// versionRow is a row of counselling_versions.
type versionRow struct {
	bun.BaseModel `bun:"table:counselling_versions"`

	CentreID      string     `bun:"centre_id,pk"`
	Number        int        `bun:"number,pk"`
	State         string     `bun:"state"`
	Data          string     `bun:"data"`
	Changes       string     `bun:"changes"`
	AuthorID      string     `bun:"author_id"`
	AuthorLabel   string     `bun:"author_label"`
	CreatedAt     time.Time  `bun:"created_at"`
	ReviewerLabel string     `bun:"reviewer_label"`
	ReviewedAt    *time.Time `bun:"reviewed_at"`
	ReviewComment string     `bun:"review_comment"`
}

// Centre is a Beratungsstelle as its editors, its municipality and the
// Landesredaktion see it: the working copy (the newest version, waiting or
// published), the published entry and the review state.
type Centre struct {
	ID         string `json:"id" doc:"ID der Beratungsstelle (zugleich die ID ihrer Körperschaft)"`
	ParentID   string `json:"parentId" doc:"übergeordnete Körperschaft (Kommune oder Land)"`
	ParentName string `json:"parentName"`
	Active     bool   `json:"active" doc:"die Körperschaft ist aktiv; inaktive erscheinen nicht im Portal"`
	// Version counts the changes of the record, for optimistic locking.
	Version int `json:"version"`
	// Entry is the working copy: the newest version, waiting or published.
	Entry            Entry      `json:"entry"`
	CurrentVersion   int        `json:"currentVersion" doc:"Nummer der neuesten Fassung"`
	PublishedVersion *int       `json:"publishedVersion,omitempty" doc:"Nummer der veröffentlichten Fassung"`
	PendingVersion   *int       `json:"pendingVersion,omitempty" doc:"Nummer der Fassung, die auf Prüfung wartet"`
	PublishedAt      *time.Time `json:"publishedAt,omitempty"`
	VerifiedOn       *time.Time `json:"verifiedOn,omitempty" doc:"Tag, an dem die Angaben zuletzt geprüft wurden"`
	// State is "published", "pending", "rejected" (the newest version was
	// refused) or "draft" (never published, nothing waiting).
	State string `json:"state" enum:"published,pending,rejected,draft"`
	// Review is the comment on the newest version, when it was refused.
	Review *ReviewNote `json:"review,omitempty"`
	// Outdated: not verified for longer than the store's OutdatedAfter.
	Outdated bool `json:"outdated"`
	// ReminderDue: not verified for longer than RemindAfter.
	ReminderDue bool      `json:"reminderDue"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// sortName is the name as List sorts it (lower case, as the database
	// lowers it), for the page position.
	sortName string
}

// ReviewNote is the Landesredaktion's decision on a version.
type ReviewNote struct {
	Version  int       `json:"version"`
	Decision string    `json:"decision" enum:"published,rejected"`
	Comment  string    `json:"comment"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// StateLabel is the German name of the centre's state.
func (c *Centre) StateLabel() string {
	switch c.State {
	case "draft":
		return "nicht veröffentlicht"
	case StateRejected:
		return "Änderung abgelehnt"
	}
	return StateLabel(c.State)
}

// decodeEntry reads an entry stored as JSON.
func decodeEntry(data string) (Entry, error) {
	var e Entry
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return Entry{}, fmt.Errorf("decode counselling entry: %w", err)
	}
	e.Normalize()
	return e, nil
}

func encodeEntry(e Entry) (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("encode counselling entry: %w", err)
	}
	return string(b), nil
}

// Get returns a centre with its working copy. An organisation without an
// entry is tenant.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*Centre, error) {
	return s.get(ctx, s.db.Read, id)
}

func (s *Store) get(ctx context.Context, db bun.IDB, id string) (*Centre, error) {
	var row centreRow
	if err := db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "counselling centre "+id)
	}
	var v versionRow
	if err := db.NewSelect().Model(&v).Where("centre_id = ? AND number = ?", id, row.CurrentVersion).Scan(ctx); err != nil {
		return nil, fmt.Errorf("current version of counselling centre %s: %w", id, err)
	}
	t, err := tenantOf(ctx, db, id)
	if err != nil {
		return nil, err
	}
	return s.centre(ctx, db, &row, &v, t)
}

// tenantInfo is what a centre shows of its tenant.
type tenantInfo struct {
	ID         string  `bun:"id"`
	ParentID   *string `bun:"parent_id"`
	Active     bool    `bun:"active"`
	Kind       string  `bun:"kind"`
	ParentName string  `bun:"parent_name"`
}

func tenantOf(ctx context.Context, db bun.IDB, id string) (*tenantInfo, error) {
	var t tenantInfo
	err := db.NewSelect().TableExpr("tenants AS t").ColumnExpr("t.id, t.parent_id, t.active, t.kind, COALESCE(p.name, '') AS parent_name").
		Join("LEFT JOIN tenants AS p ON p.id = t.parent_id").Where("t.id = ?", id).Scan(ctx, &t)
	if err != nil {
		return nil, fault.NotFound(err, "tenant "+id)
	}
	return &t, nil
}

func (s *Store) centre(ctx context.Context, db bun.IDB, row *centreRow, v *versionRow, t *tenantInfo) (*Centre, error) {
	e, err := decodeEntry(v.Data)
	if err != nil {
		return nil, err
	}
	c := &Centre{ID: row.ID, Active: t.Active, ParentName: t.ParentName, Version: row.Version, Entry: e,
		CurrentVersion: row.CurrentVersion, PublishedVersion: row.PublishedVersion, PendingVersion: row.PendingVersion,
		PublishedAt: row.PublishedAt, VerifiedOn: row.VerifiedOn, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	if t.ParentID != nil {
		c.ParentID = *t.ParentID
	}
	switch {
	case row.PendingVersion != nil:
		c.State = StatePending
	case v.State == StateRejected:
		c.State = StateRejected
		c.Review = &ReviewNote{Version: v.Number, Decision: StateRejected, Comment: v.ReviewComment, By: v.ReviewerLabel}
		if v.ReviewedAt != nil {
			c.Review.At = *v.ReviewedAt
		}
	case row.PublishedVersion != nil:
		c.State = StatePublished
	default:
		c.State = "draft"
	}
	c.Outdated, c.ReminderDue = s.staleness(row.VerifiedOn, row.CreatedAt)
	return c, nil
}

// staleness tells whether an entry verified on the given day (nil: never,
// then counted from its creation) is outdated or due for a reminder.
func (s *Store) staleness(verifiedOn *time.Time, created time.Time) (outdated, remind bool) {
	since := created
	if verifiedOn != nil {
		since = *verifiedOn
	}
	age := s.today().Sub(s.dateOf(since))
	return age > s.opts.OutdatedAfter, age > s.opts.RemindAfter
}

// ListFilter narrows the staff list of centres.
type ListFilter struct {
	// TenantIDs limits the list to centres among these tenants (what the
	// caller may see); nil = no limit.
	TenantIDs []string
	// Below limits the list to centres below this tenant.
	Below    []string
	State    string // published, pending, rejected, draft
	Outdated bool   // only those not verified for OutdatedAfter
	Query    string // part of the name
	// Page, when set, lists one page (the API): Page.Size() centres after
	// Page.After, plus one when another page follows.
	Page *keyset.Page[CentreKey]
}

// List returns centres with their working copies, ordered by name.
func (s *Store) List(ctx context.Context, f ListFilter) ([]Centre, error) {
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return []Centre{}, nil
	}
	var rows []struct {
		centreRow
		VState         string     `bun:"v_state"`
		VData          string     `bun:"v_data"`
		VComment       string     `bun:"v_comment"`
		VReviewer      string     `bun:"v_reviewer"`
		VReviewedAt    *time.Time `bun:"v_reviewed_at"`
		TParentID      *string    `bun:"t_parent_id"`
		TActive        bool       `bun:"t_active"`
		TParentName    string     `bun:"t_parent_name"`
		TenantNameSort string     `bun:"t_name"`
		SortName       string     `bun:"sort_name"`
	}
	q := s.db.Read.NewSelect().TableExpr("counselling_centres AS c").
		ColumnExpr("c.*, v.state AS v_state, v.data AS v_data, v.review_comment AS v_comment, v.reviewer_label AS v_reviewer, v.reviewed_at AS v_reviewed_at").
		ColumnExpr("t.parent_id AS t_parent_id, t.active AS t_active, COALESCE(p.name, '') AS t_parent_name, t.name AS t_name, LOWER(c.name) AS sort_name").
		Join("JOIN counselling_versions AS v ON v.centre_id = c.id AND v.number = c.current_version").
		Join("JOIN tenants AS t ON t.id = c.id").
		Join("LEFT JOIN tenants AS p ON p.id = t.parent_id")
	if f.Page != nil {
		q = centreOrder.Apply(q, f.Page.Size(), f.Page.After.values()...)
	} else {
		q = q.OrderExpr("LOWER(c.name), c.id")
	}
	q, empty := s.listWhere(q, f)
	if empty {
		return []Centre{}, nil
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list counselling centres: %w", err)
	}
	out := make([]Centre, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		v := &versionRow{Number: r.CurrentVersion, State: r.VState, Data: r.VData, ReviewComment: r.VComment, ReviewerLabel: r.VReviewer, ReviewedAt: r.VReviewedAt}
		c, err := s.centre(ctx, s.db.Read, &r.centreRow, v, &tenantInfo{ID: r.ID, ParentID: r.TParentID, Active: r.TActive, ParentName: r.TParentName})
		if err != nil {
			return nil, err
		}
		c.sortName = r.SortName
		out = append(out, *c)
	}
	return out, nil
}

// listWhere adds the filter's conditions to a query of centres c joined
// with their current version v; empty tells that nothing can match.
func (s *Store) listWhere(q *bun.SelectQuery, f ListFilter) (_ *bun.SelectQuery, empty bool) {
	if f.TenantIDs != nil {
		q = q.Where("c.id IN (?)", bun.In(f.TenantIDs))
	}
	if f.Below != nil {
		if len(f.Below) == 0 {
			return q, true
		}
		q = q.Where("c.id IN (?)", bun.In(f.Below))
	}
	if f.Query != "" {
		q = q.Where("LOWER(c.name) LIKE ?", "%"+strings.ToLower(f.Query)+"%")
	}
	switch f.State {
	case StatePending:
		q = q.Where("c.pending_version IS NOT NULL")
	case StatePublished:
		q = q.Where("c.published_version IS NOT NULL AND c.pending_version IS NULL AND v.state = ?", StatePublished)
	case StateRejected:
		q = q.Where("c.pending_version IS NULL AND v.state = ?", StateRejected)
	case "draft":
		q = q.Where("c.published_version IS NULL AND c.pending_version IS NULL AND v.state <> ?", StateRejected)
	}
	if f.Outdated {
		limit := s.today().Add(-s.opts.OutdatedAfter)
		q = q.Where("((c.verified_on IS NULL AND c.created_at < ?) OR c.verified_on < ?)", limit, limit)
	}
	return q, false
}

// ListCounts are the numbers the console's list of centres shows.
type ListCounts struct {
	// Matching are the centres the filter lists (all pages).
	Matching int
	// Pending and Outdated count among all centres the filter's
	// TenantIDs cover, whatever else it says.
	Pending, Outdated int
}

// Count counts the centres of List's filter in the database, without
// reading their entries (f.Page is ignored).
func (s *Store) Count(ctx context.Context, f ListFilter) (ListCounts, error) {
	var out ListCounts
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return out, nil
	}
	limit := s.today().Add(-s.opts.OutdatedAfter)
	var all struct {
		Pending, Outdated, Total int
	}
	q := s.db.Read.NewSelect().TableExpr("counselling_centres AS c").
		ColumnExpr("COUNT(*) AS total").
		ColumnExpr("COALESCE(SUM(CASE WHEN c.pending_version IS NOT NULL THEN 1 ELSE 0 END), 0) AS pending").
		ColumnExpr("COALESCE(SUM(CASE WHEN (c.verified_on IS NULL AND c.created_at < ?) OR c.verified_on < ? THEN 1 ELSE 0 END), 0) AS outdated", limit, limit)
	if f.TenantIDs != nil {
		q = q.Where("c.id IN (?)", bun.In(f.TenantIDs))
	}
	if err := q.Scan(ctx, &all); err != nil {
		return out, fmt.Errorf("count counselling centres: %w", err)
	}
	out.Pending, out.Outdated, out.Matching = all.Pending, all.Outdated, all.Total
	if f.Below == nil && f.Query == "" && f.State == "" && !f.Outdated {
		return out, nil
	}
	q = s.db.Read.NewSelect().TableExpr("counselling_centres AS c").ColumnExpr("COUNT(*)").
		Join("JOIN counselling_versions AS v ON v.centre_id = c.id AND v.number = c.current_version")
	q, empty := s.listWhere(q, ListFilter{TenantIDs: f.TenantIDs, Below: f.Below, Query: f.Query, State: f.State, Outdated: f.Outdated})
	if empty {
		out.Matching = 0
		return out, nil
	}
	if err := q.Scan(ctx, &out.Matching); err != nil {
		return out, fmt.Errorf("count counselling centres: %w", err)
	}
	return out, nil
}

// CreateInput names where a new centre goes: below ParentID as a new
// organisation tenant, or onto the existing organisation TenantID that has
// no entry yet.
type CreateInput struct {
	ParentID string
	TenantID string
	Entry    Entry
	// Direct publishes without review (the Landesredaktion's own changes).
	Direct bool
}

// Create makes a new centre: the organisation tenant (unless given), the
// record and its first version, published at once unless review is on and
// the change is not Direct. Everything is one transaction.
func (s *Store) Create(ctx context.Context, in CreateInput) (*Centre, error) {
	var out *Centre
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.create(ctx, tx, in)
		out = c
		return err
	})
	return out, err
}

func (s *Store) create(ctx context.Context, tx bun.Tx, in CreateInput) (*Centre, error) {
	topics, err := s.activeTopicKeys(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := in.Entry.Validate(topics); err != nil {
		return nil, err
	}
	id := in.TenantID
	if id == "" {
		t := &tenant.Tenant{Kind: tenant.KindOrganisation, Name: in.Entry.Name, ParentID: &in.ParentID, Active: true,
			Street: in.Entry.Addresses[0].Street, PostalCode: in.Entry.Addresses[0].PostalCode, City: in.Entry.Addresses[0].City,
			FunctionMailbox: in.Entry.Email}
		if len([]rune(t.Street)) > tenant.MaxTextLen {
			t.Street = ""
		}
		if t.Slug, err = s.freeSlug(ctx, tx, in.Entry.Name); err != nil {
			return nil, err
		}
		if err := s.tenants.CreateTenant(ctx, t); err != nil {
			var fe tenant.FieldErrors
			if errors.As(err, &fe) {
				for _, e := range fe {
					if e.Field == "parentId" {
						return nil, fault.Field("parentId", "%s", e.Message)
					}
				}
			}
			return nil, fmt.Errorf("organisation of the counselling centre: %w", err)
		}
		id = t.ID
	} else {
		t, err := tenantOf(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if t.Kind != string(tenant.KindOrganisation) {
			return nil, fault.Field("tenantId", "Eine Beratungsstelle ist eine Körperschaft der Art Organisation.")
		}
		n, err := tx.NewSelect().Table("counselling_centres").Where("id = ?", id).Count(ctx)
		if err != nil {
			return nil, fmt.Errorf("check counselling centre: %w", err)
		}
		if n > 0 {
			return nil, fmt.Errorf("counselling centre %s: %w", id, tenant.ErrConflict)
		}
	}
	now := s.now()
	row := &centreRow{ID: id, Name: in.Entry.Name, CurrentVersion: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
		return nil, fmt.Errorf("insert counselling centre: %w", err)
	}
	review, err := s.needsReview(ctx, tx, in.Direct)
	if err != nil {
		return nil, err
	}
	if err := s.addVersion(ctx, tx, row, nil, in.Entry, review); err != nil {
		return nil, err
	}
	if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: id, Action: "create", ObjectType: ObjCentre, ObjectID: id,
		Summary: map[string]any{"name": in.Entry.Name, "review": review}}); err != nil {
		return nil, err
	}
	return s.get(ctx, tx, id)
}

// freeSlug derives an unused tenant slug from a name ("…-2", "…-3").
func (s *Store) freeSlug(ctx context.Context, db bun.IDB, name string) (string, error) {
	base := tenant.Slugify(name)
	if base == "" {
		base = "beratungsstelle"
	}
	if len(base) > 56 {
		base = strings.TrimRight(base[:56], "-")
	}
	for i := 1; i < 1000; i++ {
		slug := base
		if i > 1 {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		n, err := db.NewSelect().Table("tenants").Where("slug = ?", slug).Count(ctx)
		if err != nil {
			return "", fmt.Errorf("check slug: %w", err)
		}
		if n == 0 && !tenant.ReservedSlug(slug) {
			return slug, nil
		}
	}
	return "", fmt.Errorf("no free slug for %q", name)
}

// needsReview decides whether a change waits for the Landesredaktion.
func (s *Store) needsReview(ctx context.Context, db bun.IDB, direct bool) (bool, error) {
	if direct {
		return false, nil
	}
	set, err := s.settings(ctx, db)
	if err != nil {
		return false, err
	}
	return set.ReviewRequired, nil
}

// UpdateInput is a change of a centre's entry.
type UpdateInput struct {
	// Version must match the record's version unless 0 (optimistic
	// locking).
	Version int
	Entry   Entry
	// Direct publishes without review (the Landesredaktion's own changes).
	Direct bool
}

// ErrUnchanged answers a change that changes nothing.
var ErrUnchanged = errors.New("die Angaben sind unverändert")

// Update stores a new version of the entry: published at once, or waiting
// for review (replacing a version that still waits). Changing nothing is
// ErrUnchanged; use Verify to confirm unchanged data.
func (s *Store) Update(ctx context.Context, id string, in UpdateInput) (*Centre, error) {
	var out *Centre
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.update(ctx, tx, id, in)
		out = c
		return err
	})
	return out, err
}

func (s *Store) update(ctx context.Context, tx bun.Tx, id string, in UpdateInput) (*Centre, error) {
	var row centreRow
	if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "counselling centre "+id)
	}
	if in.Version != 0 && in.Version != row.Version {
		return nil, tenant.ErrStaleVersion
	}
	var cur versionRow
	if err := tx.NewSelect().Model(&cur).Where("centre_id = ? AND number = ?", id, row.CurrentVersion).Scan(ctx); err != nil {
		return nil, fmt.Errorf("current version of %s: %w", id, err)
	}
	before, err := decodeEntry(cur.Data)
	if err != nil {
		return nil, err
	}
	topics, err := s.activeTopicKeys(ctx, tx)
	if err != nil {
		return nil, err
	}
	// A topic the ministry deactivated may stay on an entry that has it.
	for _, t := range before.Topics {
		if !slices.Contains(topics, t) {
			topics = append(topics, t)
		}
	}
	if err := in.Entry.Validate(topics); err != nil {
		return nil, err
	}
	if len(Diff(before, in.Entry)) == 0 && cur.State != StateRejected && cur.State != StateWithdrawn {
		return nil, ErrUnchanged
	}
	review, err := s.needsReview(ctx, tx, in.Direct)
	if err != nil {
		return nil, err
	}
	if err := s.addVersion(ctx, tx, &row, &before, in.Entry, review); err != nil {
		return nil, err
	}
	if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: id, Action: "update", ObjectType: ObjCentre, ObjectID: id,
		Summary: map[string]any{"version": row.CurrentVersion, "review": review, "changed": changedLabels(Diff(before, in.Entry))}}); err != nil {
		return nil, err
	}
	return s.get(ctx, tx, id)
}

// addVersion stores version row.CurrentVersion+1 (or 1 for a new record
// whose row says 1 already) and publishes it or marks it waiting.
func (s *Store) addVersion(ctx context.Context, tx bun.Tx, row *centreRow, before *Entry, e Entry, review bool) error {
	number := 1
	if before != nil {
		number = row.CurrentVersion + 1
	}
	base := Entry{}
	if before != nil {
		base = *before
	}
	data, err := encodeEntry(e)
	if err != nil {
		return err
	}
	changes, err := json.Marshal(Diff(base, e))
	if err != nil {
		return fmt.Errorf("encode changes: %w", err)
	}
	actor := tenant.ActorFrom(ctx)
	now := s.now()
	v := &versionRow{CentreID: row.ID, Number: number, State: StatePublished, Data: data, Changes: string(changes),
		AuthorID: actor.ID, AuthorLabel: actor.Label, CreatedAt: now}
	if review {
		v.State = StatePending
	}
	// A version still waiting is replaced by the new one.
	if row.PendingVersion != nil {
		if _, err := tx.NewUpdate().Model((*versionRow)(nil)).Set("state = ?", StateWithdrawn).
			Where("centre_id = ? AND number = ? AND state = ?", row.ID, *row.PendingVersion, StatePending).Exec(ctx); err != nil {
			return fmt.Errorf("withdraw waiting version: %w", err)
		}
	}
	if _, err := tx.NewInsert().Model(v).Exec(ctx); err != nil {
		return fmt.Errorf("insert counselling version: %w", err)
	}
	q := tx.NewUpdate().Model((*centreRow)(nil)).Where("id = ? AND version = ?", row.ID, row.Version).
		Set("current_version = ?", number).Set("name = ?", e.Name).Set("version = version + 1").Set("updated_at = ?", now)
	if review {
		q = q.Set("pending_version = ?", number)
	} else {
		q = q.Set("pending_version = NULL")
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("update counselling centre: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return tenant.ErrStaleVersion
	}
	row.CurrentVersion, row.Version = number, row.Version+1
	if review {
		row.PendingVersion = &number
		return s.mailReviewRequest(ctx, tx, row.ID, e.Name, actor.Label)
	}
	row.PendingVersion = nil
	return s.publish(ctx, tx, row.ID, number, e, now)
}

// publish makes a version the public one: stores its data, sets the
// "verified on" day to the day of the change and rebuilds the index.
func (s *Store) publish(ctx context.Context, tx bun.Tx, id string, number int, e Entry, changedAt time.Time) error {
	data, err := encodeEntry(e)
	if err != nil {
		return err
	}
	now := s.now()
	verified := s.dateOf(changedAt)
	if _, err := tx.NewUpdate().Model((*centreRow)(nil)).Where("id = ?", id).
		Set("published_version = ?", number).Set("published_data = ?", data).Set("published_at = ?", now).
		Set("verified_on = ?", verified).Set("stale_reminded_at = NULL").Set("published_name = ?", e.Name).Exec(ctx); err != nil {
		return fmt.Errorf("publish counselling centre %s: %w", id, err)
	}
	return s.index(ctx, tx, id, e)
}

// index rebuilds the search index of a published entry: its tags and the
// coordinates of its addresses.
func (s *Store) index(ctx context.Context, tx bun.Tx, id string, e Entry) error {
	if _, err := tx.NewDelete().Table("counselling_tags").Where("centre_id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("clear counselling tags: %w", err)
	}
	if _, err := tx.NewDelete().Table("counselling_places").Where("centre_id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("clear counselling places: %w", err)
	}
	type tag struct {
		bun.BaseModel `bun:"table:counselling_tags"`
		CentreID      string `bun:"centre_id"`
		Kind          string `bun:"kind"`
		Value         string `bun:"value"`
	}
	var tags []tag
	add := func(kind string, values []string) {
		for _, v := range values {
			tags = append(tags, tag{CentreID: id, Kind: kind, Value: v})
		}
	}
	add(tagTopic, e.Topics)
	add(tagLanguage, e.Languages)
	add(tagWay, e.Ways)
	add(tagAccess, e.Accessibility)
	add(tagArea, e.ServiceArea)
	if e.Insolvency305 {
		add(tagInsolvency, []string{"yes"})
	}
	if len(tags) > 0 {
		if _, err := tx.NewInsert().Model(&tags).Exec(ctx); err != nil {
			return fmt.Errorf("insert counselling tags: %w", err)
		}
	}
	type place struct {
		bun.BaseModel `bun:"table:counselling_places"`
		CentreID      string  `bun:"centre_id"`
		Position      int     `bun:"position"`
		Lat           float64 `bun:"lat"`
		Lon           float64 `bun:"lon"`
	}
	var places []place
	for i, a := range e.Addresses {
		places = append(places, place{CentreID: id, Position: i, Lat: a.Lat, Lon: a.Lon})
	}
	if len(places) > 0 {
		if _, err := tx.NewInsert().Model(&places).Exec(ctx); err != nil {
			return fmt.Errorf("insert counselling places: %w", err)
		}
	}
	return nil
}

// The kinds of search tags.
const (
	tagTopic      = "topic"
	tagLanguage   = "language"
	tagWay        = "way"
	tagAccess     = "accessibility"
	tagArea       = "area"
	tagInsolvency = "insolvency305"
)

// Verify confirms that the published data is still correct: the "verified
// on" day becomes today and the reminders start over. It needs a published
// version.
func (s *Store) Verify(ctx context.Context, id string) (*Centre, error) {
	var out *Centre
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var row centreRow
		if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "counselling centre "+id)
		}
		if row.PublishedVersion == nil {
			return fault.Field("verifiedOn", "Bestätigen lassen sich nur veröffentlichte Angaben.")
		}
		today := s.today()
		if _, err := tx.NewUpdate().Model((*centreRow)(nil)).Where("id = ?", id).Set("verified_on = ?", today).
			Set("stale_reminded_at = NULL").Set("version = version + 1").Set("updated_at = ?", s.now()).Exec(ctx); err != nil {
			return fmt.Errorf("verify counselling centre: %w", err)
		}
		prev := ""
		if row.VerifiedOn != nil {
			prev = row.VerifiedOn.Format("2006-01-02")
		}
		if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: id, Action: "verify", ObjectType: ObjCentre, ObjectID: id,
			Summary: map[string]any{"before": prev, "after": today.Format("2006-01-02")}}); err != nil {
			return err
		}
		c, err := s.get(ctx, tx, id)
		out = c
		return err
	})
	return out, err
}

// ErrNotPending answers a review of a version that does not wait (any
// more): it was withdrawn by a newer change or decided already.
var ErrNotPending = errors.New("diese Fassung wartet nicht (mehr) auf Prüfung")

// Review decides on the waiting version number of a centre: approve
// publishes it, reject keeps the published entry and tells the editors
// why (a comment is required then).
func (s *Store) Review(ctx context.Context, id string, number int, approve bool, comment string) (*Centre, error) {
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return nil, fault.Field("comment", "Bitte begründen Sie die Ablehnung; die Begründung geht an die Beratungsstelle.")
	}
	if len([]rune(comment)) > 2000 {
		return nil, i18n.FieldCoded("comment", i18n.CodeMaxLength, map[string]any{"max": 2000})
	}
	var out *Centre
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var row centreRow
		if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "counselling centre "+id)
		}
		if row.PendingVersion == nil || *row.PendingVersion != number {
			return ErrNotPending
		}
		var v versionRow
		if err := tx.NewSelect().Model(&v).Where("centre_id = ? AND number = ?", id, number).Scan(ctx); err != nil {
			return fmt.Errorf("waiting version: %w", err)
		}
		actor := tenant.ActorFrom(ctx)
		now := s.now()
		state := StateRejected
		if approve {
			state = StatePublished
		}
		if _, err := tx.NewUpdate().Model((*versionRow)(nil)).Where("centre_id = ? AND number = ?", id, number).
			Set("state = ?", state).Set("reviewer_label = ?", actor.Label).Set("reviewed_at = ?", now).Set("review_comment = ?", comment).Exec(ctx); err != nil {
			return fmt.Errorf("record review: %w", err)
		}
		if _, err := tx.NewUpdate().Model((*centreRow)(nil)).Where("id = ?", id).Set("pending_version = NULL").
			Set("version = version + 1").Set("updated_at = ?", now).Exec(ctx); err != nil {
			return fmt.Errorf("record review: %w", err)
		}
		e, err := decodeEntry(v.Data)
		if err != nil {
			return err
		}
		if approve {
			if err := s.publish(ctx, tx, id, number, e, v.CreatedAt); err != nil {
				return err
			}
		}
		if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: id, Action: map[bool]string{true: "approve", false: "reject"}[approve],
			ObjectType: ObjReview, ObjectID: fmt.Sprintf("%s/%d", id, number), Summary: map[string]any{"comment": comment}}); err != nil {
			return err
		}
		if err := s.mailReviewResult(ctx, tx, id, e.Name, approve, comment); err != nil {
			return err
		}
		c, err := s.get(ctx, tx, id)
		out = c
		return err
	})
	return out, err
}

// Version is one version of an entry in the history.
type Version struct {
	Number        int        `json:"number"`
	State         string     `json:"state" enum:"published,pending,rejected,withdrawn"`
	Current       bool       `json:"current" doc:"die veröffentlichte Fassung"`
	Entry         Entry      `json:"entry"`
	Changes       []Change   `json:"changes" doc:"geänderte Felder gegenüber der vorigen Fassung"`
	AuthorLabel   string     `json:"author"`
	CreatedAt     time.Time  `json:"createdAt"`
	ReviewerLabel string     `json:"reviewer,omitempty"`
	ReviewedAt    *time.Time `json:"reviewedAt,omitempty"`
	ReviewComment string     `json:"reviewComment,omitempty"`
}

// StateLabel is the German name of the version's state.
func (v Version) StateLabel() string { return StateLabel(v.State) }

// Versions returns a centre's history, newest first.
func (s *Store) Versions(ctx context.Context, id string) ([]Version, error) {
	var row centreRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "counselling centre "+id)
	}
	var rows []versionRow
	if err := s.db.Read.NewSelect().Model(&rows).Where("centre_id = ?", id).OrderExpr("number DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("counselling versions: %w", err)
	}
	out := make([]Version, 0, len(rows))
	for _, r := range rows {
		e, err := decodeEntry(r.Data)
		if err != nil {
			return nil, err
		}
		v := Version{Number: r.Number, State: r.State, Entry: e, AuthorLabel: r.AuthorLabel, CreatedAt: r.CreatedAt,
			ReviewerLabel: r.ReviewerLabel, ReviewedAt: r.ReviewedAt, ReviewComment: r.ReviewComment,
			Current: row.PublishedVersion != nil && *row.PublishedVersion == r.Number}
		if err := json.Unmarshal([]byte(r.Changes), &v.Changes); err != nil {
			return nil, fmt.Errorf("decode changes: %w", err)
		}
		if v.Changes == nil {
			v.Changes = []Change{}
		}
		out = append(out, v)
	}
	return out, nil
}
