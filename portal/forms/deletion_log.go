package forms

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// Kinds of deleted objects in the deletion log: the object types Cleanup
// writes with the action "delete-expired".
const (
	DeletedApplication = ObjApplication
	DeletedDraft       = "application-draft"
)

// Deletion is one entry of a municipality's deletion log (Löschprotokoll):
// what the retention job deleted and when. It holds no personal data:
// Cleanup writes only references, Antragsstrecke and dates.
type Deletion struct {
	At             time.Time
	Kind           string // DeletedApplication or DeletedDraft
	ObjectID       string
	Reference      string // applications only
	Antragsstrecke string
	// Since is when the deleted object began to count for its period:
	// the delivery of an application, the start of a draft.
	Since *time.Time
	By    string
}

// DeletionLog returns the newest deletions of the retention job in a
// tenant, at most limit (100 when 0, capped at 500). It reads the audit
// log, where Cleanup writes them.
func (s *Store) DeletionLog(ctx context.Context, tenantID string, limit int) ([]Deletion, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var rows []tenant.AuditEntry
	if err := s.db.Read.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).Where("action = ?", "delete-expired").
		Where("object_type IN (?)", bun.In([]string{DeletedApplication, DeletedDraft})).
		OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("deletion log of %s: %w", tenantID, err)
	}
	out := make([]Deletion, 0, len(rows))
	for _, r := range rows {
		d := Deletion{At: r.At, Kind: r.ObjectType, ObjectID: r.ObjectID, By: r.ActorLabel,
			Reference: summaryText(r.Summary, "reference"), Antragsstrecke: summaryText(r.Summary, "antragsstrecke")}
		since := "deliveredAt"
		if r.ObjectType == DeletedDraft {
			since = "createdAt"
		}
		d.Since = summaryTime(r.Summary, since)
		out = append(out, d)
	}
	return out, nil
}

func summaryText(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// summaryTime reads a time the audit summary holds as JSON text; nil when
// it is missing or unreadable.
func summaryTime(m map[string]any, key string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, summaryText(m, key))
	if err != nil {
		return nil
	}
	return &t
}
