package tenant

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID         int64          `bun:"id,pk,autoincrement" json:"id"`
	At         time.Time      `bun:"at" json:"at"`
	TenantID   *string        `bun:"tenant_id" json:"tenantId,omitempty"`
	ActorID    string         `bun:"actor_id" json:"actorId"`
	ActorLabel string         `bun:"actor_label" json:"actorLabel"`
	Action     string         `bun:"action" json:"action"`
	ObjectType string         `bun:"object_type" json:"objectType"`
	ObjectID   string         `bun:"object_id" json:"objectId"`
	Summary    map[string]any `bun:"summary,type:text" json:"summary"`
	RequestID  string         `bun:"request_id" json:"requestId,omitempty"`
}

// Audit is what a change reports to the audit log. Summary holds a short
// before/after description and never a secret.
type Audit struct {
	TenantID   string
	Action     string // create, update, delete, login, …
	ObjectType string
	ObjectID   string
	Summary    map[string]any
}

// WriteAudit appends an entry inside the caller's transaction; the actor
// comes from the context. Other domains call it for their own changes.
func WriteAudit(ctx context.Context, db bun.IDB, a Audit) error {
	if _, err := AuditInsert(ctx, db, a).Exec(ctx); err != nil {
		return fmt.Errorf("write audit entry %s %s: %w", a.Action, a.ObjectType, err)
	}
	return nil
}

// AuditInsert is the statement WriteAudit runs, for a caller that sends it
// together with others in one round trip (its String()).
func AuditInsert(ctx context.Context, db bun.IDB, a Audit) *bun.InsertQuery {
	actor := ActorFrom(ctx)
	e := &AuditEntry{
		At:         time.Now().UTC(),
		ActorID:    actor.ID,
		ActorLabel: actor.Label,
		Action:     a.Action,
		ObjectType: a.ObjectType,
		ObjectID:   a.ObjectID,
		Summary:    a.Summary,
		RequestID:  actor.RequestID,
	}
	if a.TenantID != "" {
		e.TenantID = &a.TenantID
	}
	if e.Summary == nil {
		e.Summary = map[string]any{}
	}
	return db.NewInsert().Model(e)
}

// WriteAudits appends several entries with one statement inside the
// caller's transaction – for jobs that change many objects in a batch (the
// retention job). The actor comes from the context.
func WriteAudits(ctx context.Context, db bun.IDB, audits []Audit) error {
	if len(audits) == 0 {
		return nil
	}
	actor := ActorFrom(ctx)
	now := time.Now().UTC()
	entries := make([]AuditEntry, len(audits))
	for i, a := range audits {
		entries[i] = AuditEntry{At: now, ActorID: actor.ID, ActorLabel: actor.Label, Action: a.Action, ObjectType: a.ObjectType,
			ObjectID: a.ObjectID, Summary: a.Summary, RequestID: actor.RequestID}
		if a.TenantID != "" {
			entries[i].TenantID = &audits[i].TenantID
		}
		if entries[i].Summary == nil {
			entries[i].Summary = map[string]any{}
		}
	}
	if _, err := db.NewInsert().Model(&entries).Exec(ctx); err != nil {
		return fmt.Errorf("write %d audit entries: %w", len(entries), err)
	}
	return nil
}

// AuditFilter narrows an audit query. TenantIDs limits the result to those
// tenants; nil means no limit (the ministry's state-wide view is given the
// list of its tenants by the caller, so nil is only for the system).
type AuditFilter struct {
	TenantIDs  []string
	ObjectType string
	Action     string
	ActorID    string
	Since      time.Time
	Until      time.Time
	Limit      int
	BeforeID   int64 // for paging: entries older than this ID
}

// ListAudit returns matching entries, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q, ok := f.query(s.db.Read)
	if !ok {
		return []AuditEntry{}, nil
	}
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return scanAudit(ctx, q.OrderExpr("id DESC").Limit(int64(f.Limit)))
}

// query selects the entries f matches (but for its paging fields); ok is
// false when none can.
func (f AuditFilter) query(db bun.IDB) (q *bun.SelectQuery, ok bool) {
	q = db.NewSelect().Model((*AuditEntry)(nil))
	if f.TenantIDs != nil {
		if len(f.TenantIDs) == 0 {
			return nil, false
		}
		q = q.Where("tenant_id IN (?)", bun.In(f.TenantIDs))
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", f.Until.UTC())
	}
	return q, true
}

func scanAudit(ctx context.Context, q *bun.SelectQuery) ([]AuditEntry, error) {
	var out []AuditEntry
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	if out == nil {
		out = []AuditEntry{}
	}
	return out, nil
}
