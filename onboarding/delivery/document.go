package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/clock"
)

// Document is a finished application to deliver.
type Document struct {
	ApplicationID   string
	TenantID        string
	Antragsstrecke  string
	ReferenceNumber string
	// XML is the XSozial-basis 2.4.0 message; PDF the application form.
	XML, PDF    []byte
	Attachments []Attachment
	SubmittedAt time.Time
}

// Attachment is a file the citizen uploaded.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// Limits of a document.
const (
	MaxDocumentBytes = 64 << 20
	maxAttachments   = 50
)

// Purposes of a delivery.
const (
	PurposeApplication    = "application"
	PurposeConnectionTest = "connection-test"
)

func (d *Document) validate() error {
	var missing []string
	for _, f := range []struct{ name, v string }{{"ApplicationID", d.ApplicationID}, {"TenantID", d.TenantID}, {"Antragsstrecke", d.Antragsstrecke}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(d.XML) == 0 {
		missing = append(missing, "XML")
	}
	if len(missing) > 0 {
		return fmt.Errorf("delivery document: %s missing", strings.Join(missing, ", "))
	}
	size := len(d.XML) + len(d.PDF)
	for _, a := range d.Attachments {
		size += len(a.Data)
		if a.Name == "" || a.ContentType == "" {
			return errors.New("delivery document: attachment without name or content type")
		}
	}
	if size > MaxDocumentBytes || len(d.Attachments) > maxAttachments {
		return fmt.Errorf("delivery document: %d bytes in %d attachments exceed the limits", size, len(d.Attachments))
	}
	return nil
}

// payload is how a document's contents are stored.
type payload struct {
	XML         []byte       `json:"xml"`
	PDF         []byte       `json:"pdf,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

type payloadRow struct {
	bun.BaseModel `bun:"table:delivery_payloads"`
	DeliveryID    string    `bun:"delivery_id,pk"`
	Sealed        bool      `bun:"sealed"`
	Data          []byte    `bun:"data"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Enqueue writes a document into the outbox inside the caller's
// transaction db and returns the delivery's ID; the worker sends it once
// the transaction has committed. Enqueueing an application twice returns
// the first delivery's ID. The payload is stored unsealed (the function
// has no key); the worker seals it at its first attempt when a Sealer is
// configured – call (*Service).Enqueue to seal at once.
func Enqueue(ctx context.Context, db bun.IDB, doc Document) (string, error) {
	return enqueue(ctx, db, doc, nil, PurposeApplication, "", time.Now())
}

// Enqueue is the package function Enqueue with the payload sealed at once.
func (s *Service) Enqueue(ctx context.Context, db bun.IDB, doc Document) (string, error) {
	return enqueue(ctx, db, doc, s.sealerOf(), PurposeApplication, "", s.now())
}

func enqueue(ctx context.Context, db bun.IDB, doc Document, sealer Sealer, purpose, caseID string, now time.Time) (string, error) {
	if err := doc.validate(); err != nil {
		return "", err
	}
	now = clock.Stamp(now)
	if doc.SubmittedAt.IsZero() {
		doc.SubmittedAt = now
	}
	raw, err := json.Marshal(payload{XML: doc.XML, PDF: doc.PDF, Attachments: doc.Attachments})
	if err != nil {
		return "", fmt.Errorf("encode delivery payload: %w", err)
	}
	sealed := false
	if sealer != nil {
		if raw, err = sealer.Seal(raw); err != nil {
			return "", fmt.Errorf("seal delivery payload: %w", err)
		}
		sealed = true
	}
	r := &row{ID: uuid.Must(uuid.NewV7()).String(), TenantID: doc.TenantID, ApplicationID: doc.ApplicationID,
		Antragsstrecke: doc.Antragsstrecke, ReferenceNumber: doc.ReferenceNumber, Purpose: purpose, CaseID: caseID,
		Status: StatusPending, NextAttemptAt: now, SubmittedAt: clock.Stamp(doc.SubmittedAt), CreatedAt: now, UpdatedAt: now}
	res, err := db.NewInsert().Model(r).On("CONFLICT (application_id) DO NOTHING").Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("enqueue delivery of %s: %w", doc.ApplicationID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var id string
		err := db.NewSelect().Model((*row)(nil)).Column("id").Where("application_id = ?", doc.ApplicationID).Scan(ctx, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("enqueue delivery of %s: conflict without row", doc.ApplicationID)
		}
		if err != nil {
			return "", fmt.Errorf("enqueue delivery of %s: %w", doc.ApplicationID, err)
		}
		return id, nil
	}
	// The payload with its data bound: one statement (see InsertBound).
	if err := migrations.InsertBound(ctx, db, "delivery_payloads", []string{"delivery_id", "sealed", "data", "created_at"},
		[]any{r.ID, sealed, raw, now}); err != nil {
		return "", fmt.Errorf("enqueue delivery payload of %s: %w", doc.ApplicationID, err)
	}
	return r.ID, nil
}
