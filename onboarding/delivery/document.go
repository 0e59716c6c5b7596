package delivery

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

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
	// XMLID and PDFID, with every attachment's ID, name the copies the
	// applications side keeps in its own store, written in the same
	// transaction (application_documents). When all are set and the
	// service can read them (SetStored), the outbox keeps only their IDs
	// and SHA-256 instead of a second sealed copy; the worker reads them
	// back and refuses any whose digest differs from what was enqueued.
	XMLID, PDFID string
}

// Attachment is a file the citizen uploaded.
type Attachment struct {
	Name, ContentType string
	Data              []byte
	// ID names the stored copy (see Document.XMLID); not part of the
	// stored payload.
	ID string `json:"-"`
}

// StoredFunc reads documents that the applications side keeps, opened,
// by their IDs; a missing one is simply absent from the map.
type StoredFunc func(ctx context.Context, ids []string) (map[string][]byte, error)

// storedRef is a stored document in a payload: its ID and the SHA-256
// (hex) of the content that was enqueued.
type storedRef struct {
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
}

// storedAttachment is an attachment of a payload by reference.
type storedAttachment struct {
	Name        string    `json:"name"`
	ContentType string    `json:"contentType"`
	Ref         storedRef `json:"ref"`
}

// storedRefs is the manifest of a payload whose contents the
// applications side keeps.
type storedRefs struct {
	XML         storedRef          `json:"xml"`
	PDF         *storedRef         `json:"pdf,omitempty"`
	Attachments []storedAttachment `json:"attachments,omitempty"`
}

func refOf(id string, data []byte) storedRef {
	sum := sha256.Sum256(data)
	return storedRef{ID: id, SHA256: hex.EncodeToString(sum[:])}
}

// byReference returns the manifest of doc when every part names its
// stored copy, nil otherwise.
func (d *Document) byReference() *storedRefs {
	if d.XMLID == "" || (len(d.PDF) > 0 && d.PDFID == "") {
		return nil
	}
	for _, a := range d.Attachments {
		if a.ID == "" {
			return nil
		}
	}
	m := &storedRefs{XML: refOf(d.XMLID, d.XML)}
	if len(d.PDF) > 0 {
		r := refOf(d.PDFID, d.PDF)
		m.PDF = &r
	}
	for _, a := range d.Attachments {
		m.Attachments = append(m.Attachments, storedAttachment{Name: a.Name, ContentType: a.ContentType, Ref: refOf(a.ID, a.Data)})
	}
	return m
}

// resolve fills a payload by reference with the stored contents, checked
// against the digests that were enqueued.
func (p *payload) resolve(ctx context.Context, load StoredFunc) error {
	m := p.Stored
	if m == nil {
		return nil
	}
	if load == nil {
		// a configuration fault of this instance, not of the delivery:
		// another attempt (or instance) can read them
		return errors.New("payload by reference, but no reader of stored documents is set (SetStored)")
	}
	refs := []storedRef{m.XML}
	if m.PDF != nil {
		refs = append(refs, *m.PDF)
	}
	for _, a := range m.Attachments {
		refs = append(refs, a.Ref)
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	got, err := load(ctx, ids)
	if err != nil {
		return fmt.Errorf("load stored documents: %w", err)
	}
	data := make([][]byte, len(refs))
	for i, r := range refs {
		d, ok := got[r.ID]
		if !ok {
			return permanent("Die Antragsdaten sind nicht mehr gespeichert; die Zustellung kann nicht wiederholt werden.")
		}
		if refOf(r.ID, d) != r {
			return permanent("Die gespeicherten Antragsdaten (Dokument %s) weichen von den eingereichten ab; sie werden nicht zugestellt.", r.ID)
		}
		data[i] = d
	}
	p.XML, data = data[0], data[1:]
	if m.PDF != nil {
		p.PDF, data = data[0], data[1:]
	}
	p.Attachments = make([]Attachment, len(m.Attachments))
	for i, a := range m.Attachments {
		p.Attachments[i] = Attachment{Name: a.Name, ContentType: a.ContentType, Data: data[i], ID: a.Ref.ID}
	}
	p.Stored = nil
	return nil
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

// payload is how a document's contents are stored: inline, or (Stored)
// as references to the copies the applications side keeps.
type payload struct {
	XML         []byte       `json:"xml"`
	PDF         []byte       `json:"pdf,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	Stored      *storedRefs  `json:"stored,omitempty"`
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
	return enqueue(ctx, db, doc, nil, false, PurposeApplication, "", time.Now())
}

// Enqueue is the package function Enqueue with the payload sealed at once;
// a document whose parts name their stored copies (Document.XMLID) is kept
// by reference when the service can read those (SetStored).
func (s *Service) Enqueue(ctx context.Context, db bun.IDB, doc Document) (string, error) {
	return enqueue(ctx, db, doc, s.sealerOf(), s.storedOf() != nil, PurposeApplication, "", s.now())
}

func enqueue(ctx context.Context, db bun.IDB, doc Document, sealer Sealer, byRef bool, purpose, caseID string, now time.Time) (string, error) {
	if err := doc.validate(); err != nil {
		return "", err
	}
	now = clock.Stamp(now)
	if doc.SubmittedAt.IsZero() {
		doc.SubmittedAt = now
	}
	pl := payload{XML: doc.XML, PDF: doc.PDF, Attachments: doc.Attachments}
	if m := doc.byReference(); byRef && m != nil {
		pl = payload{Stored: m}
	}
	raw, err := json.Marshal(pl)
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
	ins := db.NewInsert().Model(r).On("CONFLICT (application_id) DO NOTHING")
	// A small payload (one kept by reference) goes with the row in one
	// statement on PostgreSQL, and only when the row was inserted; a large
	// one is bound in binary by a second statement (InsertBound).
	together := db.Dialect().Name() == dialect.PG && len(raw) <= 8<<10
	var res sql.Result
	if together {
		res, err = db.NewRaw(`WITH d AS (?) INSERT INTO delivery_payloads (delivery_id, sealed, data, created_at)
			SELECT d.id, ?::boolean, ?::bytea, ?::timestamptz FROM d`, ins.Returning("id"), sealed, raw, now).Exec(ctx)
	} else {
		res, err = ins.Exec(ctx)
	}
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
	if together {
		return r.ID, nil
	}
	// The payload with its data bound: one statement (see InsertBound).
	if err := migrations.InsertBound(ctx, db, "delivery_payloads", []string{"delivery_id", "sealed", "data", "created_at"},
		[]any{r.ID, sealed, raw, now}); err != nil {
		return "", fmt.Errorf("enqueue delivery payload of %s: %w", doc.ApplicationID, err)
	}
	return r.ID, nil
}
