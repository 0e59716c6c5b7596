package forms

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
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/mail"
)

// Status is where an application stands.
type Status string

// The statuses: pending while the submission is being written (never
// shown), then eingereicht → zugestellt → abgeholt/angenommen, or problem
// with a detail both the citizen and the municipality see.
const (
	StatusPending     Status = "pending"
	StatusEingereicht Status = "eingereicht"
	StatusZugestellt  Status = "zugestellt"
	StatusAbgeholt    Status = "abgeholt"
	StatusAngenommen  Status = "angenommen"
	StatusProblem     Status = "problem"
)

// Statuses lists the visible statuses in their order.
var Statuses = []Status{StatusEingereicht, StatusZugestellt, StatusAbgeholt, StatusAngenommen, StatusProblem}

// Label is the status in German.
func (s Status) Label() string {
	switch s {
	case StatusEingereicht:
		return "Eingereicht"
	case StatusZugestellt:
		return "Zugestellt"
	case StatusAbgeholt:
		return "Abgeholt"
	case StatusAngenommen:
		return "Angenommen"
	case StatusProblem:
		return "Problem bei der Zustellung"
	}
	return string(s)
}

// delivered reports whether the application reached the authority.
func (s Status) delivered() bool {
	return s == StatusZugestellt || s == StatusAbgeholt || s == StatusAngenommen
}

type applicationRow struct {
	bun.BaseModel `bun:"table:applications"`

	ID             string     `bun:"id,pk"`
	Reference      string     `bun:"reference"`
	DraftID        string     `bun:"draft_id"`
	CitizenID      *string    `bun:"citizen_id"`
	TenantID       string     `bun:"tenant_id"`
	Antragsstrecke string     `bun:"antragsstrecke"`
	DefVersion     string     `bun:"def_version"`
	Status         Status     `bun:"status"`
	StatusDetail   string     `bun:"status_detail"`
	StatusAt       time.Time  `bun:"status_at"`
	KeyID          string     `bun:"key_id"`
	DEK            []byte     `bun:"dek"`
	Payload        []byte     `bun:"payload"`
	DeliveryID     string     `bun:"delivery_id"`
	CreatedAt      time.Time  `bun:"created_at"`
	SubmittedAt    *time.Time `bun:"submitted_at"`
	DeliveredAt    *time.Time `bun:"delivered_at"`
	DeleteAfter    *time.Time `bun:"delete_after"`
	DeletedAt      *time.Time `bun:"deleted_at"`
	Lang           string     `bun:"lang"`
}

type documentRow struct {
	bun.BaseModel `bun:"table:application_documents"`

	ID            string    `bun:"id,pk"`
	ApplicationID string    `bun:"application_id"`
	Kind          string    `bun:"kind"`
	FieldID       string    `bun:"field_id"`
	FileName      string    `bun:"file_name"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	SHA256        string    `bun:"sha256"`
	KeyID         string    `bun:"key_id"`
	DEK           []byte    `bun:"dek"`
	Data          []byte    `bun:"data"`
	CreatedAt     time.Time `bun:"created_at"`
}

type statusLogRow struct {
	bun.BaseModel `bun:"table:application_status_log"`

	ID            int64     `bun:"id,pk,autoincrement"`
	ApplicationID string    `bun:"application_id"`
	Status        Status    `bun:"status"`
	Detail        string    `bun:"detail"`
	At            time.Time `bun:"at"`
}

// Document kinds.
const (
	DocPDF        = "antrag-pdf"
	DocXML        = "xsozial-xml"
	DocAttachment = "anlage"
)

func documentAAD(id string) string { return "document:" + id }

// Application is a submitted application as the API and pages show it.
type Application struct {
	ID             string     `json:"id"`
	Reference      string     `json:"referenceNumber" doc:"Antragsnummer, z. B. SP-2026-000123"`
	TenantID       string     `json:"tenantId"`
	CitizenID      string     `json:"-"`
	Antragsstrecke string     `json:"antragsstrecke"`
	Title          string     `json:"title"`
	DefVersion     string     `json:"definitionVersion"`
	Status         Status     `json:"status" enum:"eingereicht,zugestellt,abgeholt,angenommen,problem"`
	StatusLabel    string     `json:"statusLabel"`
	StatusDetail   string     `json:"statusDetail,omitempty"`
	StatusAt       time.Time  `json:"statusAt"`
	SubmittedAt    time.Time  `json:"submittedAt"`
	DeliveredAt    *time.Time `json:"deliveredAt,omitempty"`
	DeleteAfter    *time.Time `json:"deleteAfter,omitempty" doc:"ab dann werden die Antragsdaten gelöscht"`
	Deleted        bool       `json:"deleted" doc:"die Antragsdaten wurden nach Ablauf der Aufbewahrungsfrist gelöscht"`
	Language       string     `json:"language" doc:"Sprache, in der der Antrag gestellt wurde (ISO 639-1); leer bei Anträgen von vor der Erfassung"`
	// DeliveryID names the delivery outbox entry (onboarding/delivery),
	// "" when none was written; the console links to it.
	DeliveryID string `json:"-"`
}

func (s *Store) toApplication(r *applicationRow) Application {
	a := Application{ID: r.ID, Reference: r.Reference, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke, DefVersion: r.DefVersion,
		Status: r.Status, StatusLabel: r.Status.Label(), StatusDetail: r.StatusDetail, StatusAt: r.StatusAt, DeliveredAt: r.DeliveredAt,
		DeleteAfter: r.DeleteAfter, Deleted: r.DeletedAt != nil, DeliveryID: r.DeliveryID, Language: r.Lang}
	if r.CitizenID != nil {
		a.CitizenID = *r.CitizenID
	}
	if r.SubmittedAt != nil {
		a.SubmittedAt = *r.SubmittedAt
	}
	if d, ok := s.reg.Get(r.Antragsstrecke, r.DefVersion); ok {
		a.Title = d.Title.In("de")
	}
	return a
}

// Details are an application with its answers (for the owner and the
// responsible municipality), its documents and its status history.
type Details struct {
	Application
	Answers   []SummarySection `json:"-"`
	Documents []DocumentInfo   `json:"documents"`
	History   []StatusChange   `json:"history"`
}

// DocumentInfo describes a stored document.
type DocumentInfo struct {
	ID          string `json:"id"`
	Kind        string `json:"kind" enum:"antrag-pdf,xsozial-xml,anlage"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// StatusChange is one entry of the history.
type StatusChange struct {
	Status Status    `json:"status"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// Get returns an application (not pending) by ID.
func (s *Store) Get(ctx context.Context, id string) (*Application, error) {
	var r applicationRow
	if err := s.db.Read.NewSelect().Model(&r).ExcludeColumn("dek", "payload").Where("id = ?", id).Where("status <> ?", StatusPending).Scan(ctx); err != nil {
		return nil, notFound(err)
	}
	a := s.toApplication(&r)
	return &a, nil
}

// Details returns an application with its answers (German labels), the
// documents and the history.
func (s *Store) Details(ctx context.Context, id, lang string) (*Details, error) {
	var r applicationRow
	if err := s.db.Read.NewSelect().Model(&r).Where("id = ?", id).Where("status <> ?", StatusPending).Scan(ctx); err != nil {
		return nil, notFound(err)
	}
	d := &Details{Application: s.toApplication(&r), Documents: []DocumentInfo{}, History: []StatusChange{}}
	var docs []documentRow
	if err := s.db.Read.NewSelect().Model(&docs).Column("id", "kind", "field_id", "file_name", "content_type", "size", "sha256").
		Where("application_id = ?", id).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("application documents: %w", err)
	}
	files := map[string][]UploadInfo{}
	for _, doc := range docs {
		d.Documents = append(d.Documents, DocumentInfo{ID: doc.ID, Kind: doc.Kind, Name: doc.FileName, ContentType: doc.ContentType, Size: doc.Size, SHA256: doc.SHA256})
		if doc.Kind == DocAttachment {
			files[doc.FieldID] = append(files[doc.FieldID], UploadInfo{ID: doc.ID, Name: doc.FileName})
		}
	}
	var log []statusLogRow
	if err := s.db.Read.NewSelect().Model(&log).Where("application_id = ?", id).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("application history: %w", err)
	}
	for _, l := range log {
		d.History = append(d.History, StatusChange{Status: l.Status, Detail: l.Detail, At: l.At})
	}
	if r.DeletedAt == nil && len(r.Payload) > 0 {
		plain, err := s.open(r.KeyID, r.DEK, r.Payload, "application:"+r.ID)
		if err != nil {
			return nil, err
		}
		var a Answers
		if err := json.Unmarshal(plain, &a); err != nil {
			return nil, fmt.Errorf("application %s: decode answers: %w", r.ID, err)
		}
		if def, ok := s.reg.Get(r.Antragsstrecke, r.DefVersion); ok {
			d.Answers = def.Summary(a, files, lang)
		}
	}
	return d, nil
}

// Document returns the content of an application's document of a kind
// (the first one); an attachment by its ID.
func (s *Store) Document(ctx context.Context, applicationID, kind, docID string) (*DocumentInfo, []byte, error) {
	var r documentRow
	q := s.db.Read.NewSelect().Model(&r).Where("application_id = ?", applicationID).Where("kind = ?", kind)
	if docID != "" {
		q = q.Where("id = ?", docID)
	}
	if err := q.OrderExpr("created_at, id").Limit(1).Scan(ctx); err != nil {
		return nil, nil, notFound(err)
	}
	aad := documentAAD(r.ID)
	if r.Kind == DocAttachment {
		// Attachments moved over from the draft as they were sealed
		// there (Submit), bound to their upload ID.
		aad = uploadAAD(r.ID)
	}
	data, err := s.open(r.KeyID, r.DEK, r.Data, aad)
	if err != nil {
		return nil, nil, err
	}
	return &DocumentInfo{ID: r.ID, Kind: r.Kind, Name: r.FileName, ContentType: r.ContentType, Size: r.Size, SHA256: r.SHA256}, data, nil
}

// StoredDocuments returns the opened contents of application documents by
// their IDs; IDs without a document (purged, never written) are absent.
// The delivery outbox reads the documents it keeps by reference with it.
func (s *Store) StoredDocuments(ctx context.Context, ids []string) (map[string][]byte, error) {
	var rows []documentRow
	if err := s.db.Read.NewSelect().Model(&rows).Column("id", "kind", "key_id", "dek", "data").
		Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("stored documents: %w", err)
	}
	out := make(map[string][]byte, len(rows))
	for _, r := range rows {
		aad := documentAAD(r.ID)
		if r.Kind == DocAttachment {
			aad = uploadAAD(r.ID)
		}
		data, err := s.open(r.KeyID, r.DEK, r.Data, aad)
		if err != nil {
			return nil, fmt.Errorf("stored document %s: %w", r.ID, err)
		}
		out[r.ID] = data
	}
	return out, nil
}

// ForCitizen lists a citizen's applications, the newest first.
func (s *Store) ForCitizen(ctx context.Context, citizenID string) ([]Application, error) {
	return s.forCitizen(ctx, citizenID, nil)
}

// ForCitizenPage returns one page of a citizen's applications, newest
// first, plus one when another page follows.
func (s *Store) ForCitizenPage(ctx context.Context, citizenID string, p keyset.Page[keyset.TimeKey]) ([]Application, error) {
	return s.forCitizen(ctx, citizenID, &p)
}

// ApplicationKey is a's position in the listings by submission, newest
// first.
// (A function, not a method: the type is embedded in API answers, where
// huma cannot describe embedded types that carry methods.)
func ApplicationKey(a Application) keyset.TimeKey { return keyset.TimeKey{At: a.SubmittedAt, ID: a.ID} }

var newestSubmitted = keyset.NewestFirst("submitted_at")

func (s *Store) forCitizen(ctx context.Context, citizenID string, p *keyset.Page[keyset.TimeKey]) ([]Application, error) {
	var rows []applicationRow
	q := s.db.Read.NewSelect().Model(&rows).ExcludeColumn("dek", "payload").
		Where("citizen_id = ?", citizenID).Where("status <> ?", StatusPending)
	if p != nil {
		q = newestSubmitted.Apply(q, p.Size(), p.After.Values()...)
	} else {
		q = q.OrderExpr("submitted_at DESC, id DESC").Limit(200)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	out := make([]Application, len(rows))
	for i := range rows {
		out[i] = s.toApplication(&rows[i])
	}
	return out, nil
}

// Filter narrows a municipality's list.
type Filter struct {
	TenantIDs      []string
	Antragsstrecke string
	Status         Status
	Since, Until   time.Time
	// Query matches part of the reference number, in any case.
	Query  string
	Limit  int
	Offset int
	// Page, when set, pages by position instead of Limit and Offset (the
	// API): Page.Size() applications after Page.After, plus one when
	// another page follows.
	Page *keyset.Page[keyset.TimeKey]
}

// List returns applications of the filter's tenants, the newest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Application, int, error) {
	if len(f.TenantIDs) == 0 {
		return []Application{}, 0, nil
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	// The page is chosen among the IDs alone (an index holds tenant,
	// time, ID and status), and only its rows are read: a Kreis has tens
	// of thousands of applications, whose rows – sealed answers included –
	// the database would otherwise read and sort for every page.
	q := s.db.Read.NewSelect().TableExpr("applications").Column("id").
		Where("tenant_id IN (?)", bun.In(f.TenantIDs)).Where("status <> ?", StatusPending)
	if f.Antragsstrecke != "" {
		q = q.Where("antragsstrecke = ?", f.Antragsstrecke)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if !f.Since.IsZero() {
		q = q.Where("submitted_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("submitted_at < ?", f.Until.UTC())
	}
	if qs := strings.TrimSpace(f.Query); qs != "" {
		// LIKE's wildcards are dropped: a search is for a part of the
		// number, not a pattern.
		q = q.Where("LOWER(reference) LIKE ?", "%"+strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(qs))+"%")
	}
	total, err := q.Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("count applications: %w", err)
	}
	if f.Page != nil {
		q = newestSubmitted.Apply(q, f.Page.Size(), f.Page.After.Values()...)
	} else {
		q = q.OrderExpr("submitted_at DESC, id DESC").Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	var rows []applicationRow
	if err := s.db.Read.NewSelect().Model(&rows).ExcludeColumn("dek", "payload").Where("id IN (?)", q).
		OrderExpr("submitted_at DESC, id DESC").Scan(ctx); err != nil {
		return nil, 0, fmt.Errorf("list applications: %w", err)
	}
	out := make([]Application, len(rows))
	for i := range rows {
		out[i] = s.toApplication(&rows[i])
	}
	return out, int(total), nil
}

// StatRow is a count of applications: no personal data.
type StatRow struct {
	TenantID       string `json:"tenantId"`
	Antragsstrecke string `json:"antragsstrecke"`
	Status         Status `json:"status"`
	Count          int    `json:"count"`
}

// Stats counts applications per tenant, Antragsstrecke and status.
func (s *Store) Stats(ctx context.Context, tenantIDs []string, since, until time.Time) ([]StatRow, error) {
	out := []StatRow{}
	if len(tenantIDs) == 0 {
		return out, nil
	}
	q := s.db.Read.NewSelect().TableExpr("applications").
		ColumnExpr("tenant_id, antragsstrecke, status, COUNT(*) AS count").
		Where("tenant_id IN (?)", bun.In(tenantIDs)).Where("status <> ?", StatusPending)
	if !since.IsZero() {
		q = q.Where("submitted_at >= ?", since.UTC())
	}
	if !until.IsZero() {
		q = q.Where("submitted_at < ?", until.UTC())
	}
	if err := q.GroupExpr("tenant_id, antragsstrecke, status").OrderExpr("tenant_id, antragsstrecke, status").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("application stats: %w", err)
	}
	return out, nil
}

// SetDeliveryStatus records a status the delivery reports, in the
// caller's transaction (db): zugestellt, abgeholt, angenommen, or problem
// with a detail the citizen and the municipality see. The first delivered
// status starts the retention period; a problem mails the citizen.
func (s *Store) SetDeliveryStatus(ctx context.Context, db bun.IDB, applicationID string, status string, detail string) error {
	st := Status(status)
	if !slices.Contains(Statuses, st) {
		return fmt.Errorf("set delivery status: unknown status %q", status)
	}
	if len(detail) > 1000 {
		detail = detail[:1000]
	}
	var r applicationRow
	if err := db.NewSelect().Model(&r).Column("id", "tenant_id", "status", "citizen_id", "reference", "antragsstrecke", "delivered_at").
		Where("id = ?", applicationID).Scan(ctx); err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			// Not an application of this platform (a connection test):
			// nothing to record.
			s.opts.Logger.DebugContext(ctx, "forms: delivery status of an unknown application", "application", applicationID, "status", status)
			return nil
		}
		return err
	}
	if r.Status == StatusPending {
		return fmt.Errorf("set delivery status: application %s is not submitted yet", applicationID)
	}
	now := s.now()
	q := db.NewUpdate().Model((*applicationRow)(nil)).Set("status = ?", st).Set("status_detail = ?", detail).Set("status_at = ?", now).
		Where("id = ?", applicationID)
	if st.delivered() && r.DeliveredAt == nil {
		set, err := s.settings(ctx, db, r.TenantID)
		if err != nil {
			return err
		}
		q = q.Set("delivered_at = ?", now).Set("delete_after = ?", now.Add(time.Duration(set.RetentionDays)*24*time.Hour))
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("set delivery status: %w", err)
	}
	if _, err := db.NewInsert().Model(&statusLogRow{ApplicationID: applicationID, Status: st, Detail: detail, At: now}).Exec(ctx); err != nil {
		return fmt.Errorf("log delivery status: %w", err)
	}
	if st == StatusProblem && r.CitizenID != nil {
		if email := s.citizenEmail(ctx, db, *r.CitizenID); email != "" {
			// The Servicekonto of the municipality's site: the citizen's
			// session and pages live below its slug.
			t, err := s.tenants.GetTenant(ctx, r.TenantID)
			if err != nil {
				return fmt.Errorf("set delivery status: tenant of %s: %w", applicationID, err)
			}
			if err := s.mailer.Enqueue(ctx, db, mail.Message{TenantID: r.TenantID, To: email, Template: MailStatusProblem,
				Data: StatusMailData{Reference: r.Reference, Title: s.title(r.Antragsstrecke), Detail: detail, Link: s.opts.Links.Application.To(t.Slug, r.ID)}}); err != nil {
				return err
			}
		}
	}
	return tenant.WriteAudit(ctx, db, tenant.Audit{TenantID: r.TenantID, Action: "status", ObjectType: "application", ObjectID: applicationID,
		Summary: map[string]any{"reference": r.Reference, "status": status}})
}

func (s *Store) title(strecke string) string {
	if d, ok := s.reg.Latest(strecke); ok {
		return d.Title.In("de")
	}
	return strecke
}

func (s *Store) citizenEmail(ctx context.Context, db bun.IDB, citizenID string) string {
	var email string
	if err := db.NewRaw("SELECT email FROM citizens WHERE id = ?", citizenID).Scan(ctx, &email); err != nil {
		return ""
	}
	return email
}
