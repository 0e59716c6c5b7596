package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/keyset"
)

// ObjDelivery is the access-control object of deliveries (list, retry).
const ObjDelivery = "delivery"

// DeliveryRecord is a row of the outbox as the console and the API show it.
type DeliveryRecord struct {
	ID              string            `json:"id"`
	TenantID        string            `json:"tenantId"`
	ApplicationID   string            `json:"applicationId"`
	Antragsstrecke  string            `json:"antragsstrecke"`
	ReferenceNumber string            `json:"referenceNumber"`
	Purpose         string            `json:"purpose" enum:"application,connection-test"`
	CaseID          string            `json:"caseId,omitempty"`
	Variant         int               `json:"variant" doc:"Anbindungsvariante, 0 solange nicht ermittelt"`
	VariantLabel    string            `json:"variantLabel"`
	Status          string            `json:"status" enum:"pending,sent,picked-up,accepted,rejected,failed"`
	StatusLabel     string            `json:"statusLabel"`
	Attempts        int               `json:"attempts"`
	MaxAttempts     int               `json:"maxAttempts"`
	NextAttemptAt   *time.Time        `json:"nextAttemptAt,omitempty" doc:"nächster Versuch (nur wartend)"`
	TransportRef    string            `json:"transportRef,omitempty" doc:"submissionId, XTA-MessageID oder Postfach-Nachricht"`
	LastError       string            `json:"lastError,omitempty"`
	Detail          string            `json:"detail,omitempty"`
	Retryable       bool              `json:"retryable"`
	SubmittedAt     time.Time         `json:"submittedAt"`
	SentAt          *time.Time        `json:"sentAt,omitempty" doc:"zugestellt am"`
	FinishedAt      *time.Time        `json:"finishedAt,omitempty" doc:"abgeholt oder angenommen am"`
	CreatedAt       time.Time         `json:"createdAt"`
	UpdatedAt       time.Time         `json:"updatedAt"`
	History         []DeliveryAttempt `json:"history,omitempty" doc:"alle Versuche, neueste zuerst (nur in der Einzelansicht)"`
}

// DeliveryAttempt is one recorded attempt.
type DeliveryAttempt struct {
	Number     int       `json:"number"`
	Phase      string    `json:"phase" enum:"send,follow"`
	Instance   string    `json:"instance"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	Outcome    string    `json:"outcome" enum:"ok,retry,failed"`
	Error      string    `json:"error,omitempty"`
	RetryAfter int       `json:"retryAfterSeconds,omitempty"`
}

func (s *Service) view(r *row) DeliveryRecord {
	d := DeliveryRecord{ID: r.ID, TenantID: r.TenantID, ApplicationID: r.ApplicationID, Antragsstrecke: r.Antragsstrecke,
		ReferenceNumber: r.ReferenceNumber, Purpose: r.Purpose, CaseID: r.CaseID, Variant: r.Variant, VariantLabel: VariantLabel(r.Variant),
		Status: r.Status, StatusLabel: StatusLabel(r.Status), Attempts: r.Attempts, MaxAttempts: s.opts.MaxAttempts,
		TransportRef: r.TransportRef, LastError: r.LastError, Detail: r.StatusDetail, Retryable: Retryable(r.Status) && r.Status != StatusPending,
		SubmittedAt: r.SubmittedAt.UTC(), SentAt: utcPtr(r.SentAt), FinishedAt: utcPtr(r.FinishedAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.Status == StatusPending {
		t := r.NextAttemptAt.UTC()
		d.NextAttemptAt = &t
	}
	return d
}

// FilterProblem as Filter.Status lists the deliveries that wait for the
// municipality: failed or rejected.
const FilterProblem = "problem"

// Filter narrows a list of deliveries.
type Filter struct {
	// Status is one status, FilterProblem, or "" for all.
	Status         string
	Antragsstrecke string
	Variant        int
	// Purpose defaults to PurposeApplication; "all" lists tests too.
	Purpose string
	// Query matches reference number or application ID.
	Query string
	Limit int
}

// List returns a tenant's deliveries, newest first.
func (s *Service) List(ctx context.Context, tenantID string, f Filter) ([]DeliveryRecord, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := f.query(s.db.Read.NewSelect().Model((*row)(nil)).Where("tenant_id = ?", tenantID))
	return s.scanList(ctx, tenantID, q.OrderExpr("created_at DESC, id DESC").Limit(int64(f.Limit)))
}

// ListPage returns one page of a tenant's deliveries, newest first, plus
// one when another page follows; f.Limit is not used.
func (s *Service) ListPage(ctx context.Context, tenantID string, f Filter, p keyset.Page[keyset.TimeKey]) ([]DeliveryRecord, error) {
	q := f.query(s.db.Read.NewSelect().Model((*row)(nil)).Where("tenant_id = ?", tenantID))
	return s.scanList(ctx, tenantID, keyset.NewestFirst("created_at").Apply(q, p.Size(), p.After.Values()...))
}

// PageKey is d's position in ListPage.
func (d DeliveryRecord) PageKey() keyset.TimeKey { return keyset.TimeKey{At: d.CreatedAt, ID: d.ID} }

// query narrows q to the deliveries f matches (but for Limit).
func (f Filter) query(q *bun.SelectQuery) *bun.SelectQuery {
	switch f.Status {
	case "":
	case FilterProblem:
		q = q.Where("status IN (?)", bun.In([]string{StatusFailed, StatusRejected}))
	default:
		q = q.Where("status = ?", f.Status)
	}
	if f.Antragsstrecke != "" {
		q = q.Where("antragsstrecke = ?", f.Antragsstrecke)
	}
	if f.Variant != 0 {
		q = q.Where("variant = ?", f.Variant)
	}
	switch f.Purpose {
	case "all":
	case "":
		q = q.Where("purpose = ?", PurposeApplication)
	default:
		q = q.Where("purpose = ?", f.Purpose)
	}
	if qs := strings.ToLower(strings.TrimSpace(f.Query)); qs != "" {
		like := "%" + strings.NewReplacer("%", "", "_", "").Replace(qs) + "%"
		q = q.Where("(LOWER(reference_number) LIKE ? OR LOWER(application_id) LIKE ?)", like, like)
	}
	return q
}

func (s *Service) scanList(ctx context.Context, tenantID string, q *bun.SelectQuery) ([]DeliveryRecord, error) {
	var rows []row
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list deliveries of %s: %w", tenantID, err)
	}
	out := make([]DeliveryRecord, 0, len(rows))
	for i := range rows {
		out = append(out, s.view(&rows[i]))
	}
	return out, nil
}

func (s *Service) load(ctx context.Context, db bun.IDB, id string, guard Guard) (*row, error) {
	var r row
	err := db.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (guard == nil || !guard(r.TenantID))) {
		return nil, fmt.Errorf("delivery %s: %w", id, tenant.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("delivery %s: %w", id, err)
	}
	return &r, nil
}

// Get returns a delivery with its attempts; another tenant's (guard
// false) is not found.
func (s *Service) Get(ctx context.Context, id string, guard Guard) (*DeliveryRecord, error) {
	r, err := s.load(ctx, s.db.Read, id, guard)
	if err != nil {
		return nil, err
	}
	d := s.view(r)
	var atts []attemptRow
	if err := s.db.Read.NewSelect().Model(&atts).Where("delivery_id = ?", id).OrderExpr("id DESC").Limit(200).Scan(ctx); err != nil {
		return nil, fmt.Errorf("attempts of %s: %w", id, err)
	}
	d.History = []DeliveryAttempt{}
	for _, a := range atts {
		d.History = append(d.History, DeliveryAttempt{Number: a.Number, Phase: a.Phase, Instance: a.Instance, StartedAt: a.StartedAt.UTC(),
			FinishedAt: a.FinishedAt.UTC(), Outcome: a.Outcome, Error: a.Error, RetryAfter: a.RetryAfter})
	}
	return &d, nil
}

// ErrCannotReconcile answers a retry while the transport cannot be asked
// whether it already has the delivery: nothing is sent blindly.
var ErrCannotReconcile = fmt.Errorf("der Zustellweg lässt sich gerade nicht fragen, ob er den Antrag schon hat; bitte später erneut versuchen: %w", tenant.ErrConflict)

// ErrNotRetryable answers a retry of a delivery that is on its way or
// arrived.
var ErrNotRetryable = fmt.Errorf("diese Zustellung ist unterwegs oder angekommen und kann nicht wiederholt werden: %w", tenant.ErrConflict)

// Retry queues a failed or rejected delivery (or a waiting one, at once)
// again with a fresh count of attempts, and audits it. A rejected
// delivery, or one that never handed anything over, is routed anew from
// the current onboarding data; one that may have arrived resumes with its
// stored transport ID.
func (s *Service) Retry(ctx context.Context, id string, guard Guard) (*DeliveryRecord, error) {
	var out DeliveryRecord
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.load(ctx, tx, id, guard)
		if err != nil {
			return err
		}
		if !Retryable(r.Status) {
			return ErrNotRetryable
		}
		n, err := tx.NewSelect().Model((*payloadRow)(nil)).Where("delivery_id = ?", id).Count(ctx)
		if err != nil {
			return fmt.Errorf("retry %s: %w", id, err)
		}
		if n == 0 {
			return fmt.Errorf("die Antragsdaten sind nicht mehr gespeichert: %w", tenant.ErrConflict)
		}
		now := s.now()
		// Before anything is sent again, the transport is asked whether it
		// already has this delivery (its answer may have been lost): then
		// the delivery is handed over, not repeated. A rejected one is sent
		// anew on purpose.
		if r.Status != StatusRejected {
			h, err := s.reconcile(ctx, r)
			if err != nil {
				return fmt.Errorf("%w (%v)", ErrCannotReconcile, err)
			}
			if h == heldYes {
				if _, err := tx.NewUpdate().Model((*row)(nil)).Where("id = ?", id).Where("status = ?", r.Status).
					Set("status = ?", StatusSent).Set("sent_at = COALESCE(sent_at, ?)", now).Set("follow_at = ?", now).Set("follow_checks = 0").
					Set("last_error = ''").Set("status_detail = ?", "Beim Wiederholen festgestellt: der Zustellweg hatte den Antrag bereits.").
					Set("lease_until = NULL").Set("lease_token = ''").Set("updated_at = ?", now).Exec(ctx); err != nil {
					return fmt.Errorf("retry %s: %w", id, err)
				}
				if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: r.TenantID, Action: "retry", ObjectType: ObjDelivery, ObjectID: id,
					Summary: map[string]any{"before": map[string]any{"status": r.Status, "error": r.LastError}, "applicationId": r.ApplicationID,
						"reconciled": "der Zustellweg hatte den Antrag bereits; nicht erneut gesendet"}}); err != nil {
					return err
				}
				if r.Purpose != PurposeConnectionTest && s.opts.OnStatus != nil {
					if err := s.opts.OnStatus(ctx, tx, r.ApplicationID, CitizenDelivered, ""); err != nil {
						return err
					}
				}
				r, err = s.load(ctx, tx, id, guard)
				if err != nil {
					return err
				}
				out = s.view(r)
				return nil
			}
		}
		fresh := r.Status == StatusRejected || r.TransportState == "" || s.targetChanged(ctx, r)
		upd := tx.NewUpdate().Model((*row)(nil)).Where("id = ?", id).Where("status = ?", r.Status).
			Set("status = ?", StatusPending).Set("next_attempt_at = ?", now).Set("attempts = 0").Set("last_error = ''").
			Set("status_detail = ''").Set("lease_until = NULL").Set("lease_token = ''").Set("follow_at = NULL").Set("updated_at = ?", now)
		if fresh {
			upd = upd.Set("route = ''").Set("transport_state = ''").Set("transport_ref = ''").Set("variant = 0")
		}
		res, err := upd.Exec(ctx)
		if err != nil {
			return fmt.Errorf("retry %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("delivery %s: %w", id, tenant.ErrStaleVersion)
		}
		if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: r.TenantID, Action: "retry", ObjectType: ObjDelivery, ObjectID: id,
			Summary: map[string]any{"before": map[string]any{"status": r.Status, "attempts": r.Attempts, "error": r.LastError},
				"applicationId": r.ApplicationID, "newRoute": fresh}}); err != nil {
			return err
		}
		r, err = s.load(ctx, tx, id, guard)
		if err != nil {
			return err
		}
		out = s.view(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// targetChanged reports whether the onboarding case now names another
// destination or reader than the row was sent to: then a retry starts
// anew instead of resuming.
func (s *Service) targetChanged(ctx context.Context, r *row) bool {
	var old Route
	if r.Route == "" || json.Unmarshal([]byte(r.Route), &old) != nil {
		return true
	}
	cur, err := s.opts.Router.Route(ctx, r.TenantID, r.Antragsstrecke)
	if err != nil {
		return false
	}
	return cur.Variant != old.Variant || cur.DestinationID != old.DestinationID || cur.DVDVKennung != old.DVDVKennung
}

// DeliveryCounts are a tenant's deliveries of one variant by status.
type DeliveryCounts struct {
	TenantID     string         `json:"tenantId"`
	TenantName   string         `json:"tenantName"`
	Variant      int            `json:"variant"`
	VariantLabel string         `json:"variantLabel"`
	ByStatus     map[string]int `json:"byStatus"`
	Total        int            `json:"total"`
}

// Statistics counts the applications' deliveries per tenant and variant –
// numbers only, no personal data. tenantIDs limits the tenants (nil: all).
func (s *Service) Statistics(ctx context.Context, tenantIDs []string) ([]DeliveryCounts, error) {
	if tenantIDs != nil && len(tenantIDs) == 0 {
		return []DeliveryCounts{}, nil
	}
	var rows []struct {
		TenantID string `bun:"tenant_id"`
		Name     string `bun:"name"`
		Variant  int    `bun:"variant"`
		Status   string `bun:"status"`
		N        int    `bun:"n"`
	}
	q := s.db.Read.NewSelect().TableExpr("deliveries AS d").Join("JOIN tenants AS t ON t.id = d.tenant_id").
		ColumnExpr("d.tenant_id, t.name, d.variant, d.status, COUNT(*) AS n").Where("d.purpose = ?", PurposeApplication).
		GroupExpr("d.tenant_id, t.name, d.variant, d.status").OrderExpr("t.name, d.variant")
	if tenantIDs != nil {
		q = q.Where("d.tenant_id IN (?)", bun.In(tenantIDs))
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("delivery statistics: %w", err)
	}
	out := []DeliveryCounts{}
	idx := map[string]int{}
	for _, r := range rows {
		k := fmt.Sprintf("%s|%d", r.TenantID, r.Variant)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, DeliveryCounts{TenantID: r.TenantID, TenantName: r.Name, Variant: r.Variant, VariantLabel: VariantLabel(r.Variant), ByStatus: map[string]int{}})
		}
		out[i].ByStatus[r.Status] += r.N
		out[i].Total += r.N
	}
	return out, nil
}

// Cleanup deletes mailbox contents picked up longer than the retention
// ago and payloads of rejected or failed deliveries untouched for three
// times as long; it returns how many contents it removed.
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	now := s.now()
	n := 0
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var ids []string
		if err := tx.NewSelect().Model((*mailboxRow)(nil)).Column("id").Where("picked_up_at < ?", now.Add(-s.opts.MailboxRetention)).
			Where("purged_at IS NULL").Scan(ctx, &ids); err != nil {
			return fmt.Errorf("cleanup mailbox: %w", err)
		}
		if len(ids) > 0 {
			if _, err := tx.NewDelete().Model((*fileRow)(nil)).Where("message_id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
				return fmt.Errorf("cleanup mailbox: %w", err)
			}
			if _, err := tx.NewUpdate().Model((*mailboxRow)(nil)).Set("purged_at = ?", now).Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
				return fmt.Errorf("cleanup mailbox: %w", err)
			}
		}
		res, err := tx.NewDelete().Model((*payloadRow)(nil)).Where("delivery_id IN (?)",
			tx.NewSelect().Model((*row)(nil)).Column("id").Where("status IN (?)", bun.In([]string{StatusRejected, StatusFailed, StatusAccepted, StatusPickedUp})).
				Where("updated_at < ?", now.Add(-3*s.opts.MailboxRetention))).Exec(ctx)
		if err != nil {
			return fmt.Errorf("cleanup payloads: %w", err)
		}
		p, _ := res.RowsAffected()
		n = len(ids) + int(p)
		return nil
	})
	return n, err
}

// FailedCounts returns, per tenant, how many deliveries of applications
// failed or were rejected and wait for the municipality to act – the
// domain query behind the console's work queue "Zustellungen mit Problem".
// tenantIDs limits the tenants (nil: all); tenants without any are left
// out.
func (s *Service) FailedCounts(ctx context.Context, tenantIDs []string) (map[string]int, error) {
	var rows []struct {
		TenantID string `bun:"tenant_id"`
		N        int    `bun:"n"`
	}
	q := s.db.Read.NewSelect().Model((*row)(nil)).ColumnExpr("tenant_id, COUNT(*) AS n").
		Where("status IN (?)", bun.In([]string{StatusFailed, StatusRejected})).Where("purpose = ?", PurposeApplication).GroupExpr("tenant_id")
	if tenantIDs != nil {
		if len(tenantIDs) == 0 {
			return map[string]int{}, nil
		}
		q = q.Where("tenant_id IN (?)", bun.In(tenantIDs))
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("failed deliveries per tenant: %w", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.TenantID] = r.N
	}
	return out, nil
}
