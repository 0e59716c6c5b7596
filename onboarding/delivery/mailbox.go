package delivery

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/keyset"
)

// Access-control objects of the mailbox; see Rules.
const (
	ObjMailbox = "mailbox-message"
)

// File kinds of a mailbox message.
const (
	FileXML        = "xml"
	FilePDF        = "pdf"
	FileAttachment = "attachment"
)

type mailboxRow struct {
	bun.BaseModel   `bun:"table:mailbox_messages,alias:m"`
	ID              string     `bun:"id,pk"`
	TenantID        string     `bun:"tenant_id"`
	DeliveryID      string     `bun:"delivery_id"`
	ApplicationID   string     `bun:"application_id"`
	Antragsstrecke  string     `bun:"antragsstrecke"`
	ReferenceNumber string     `bun:"reference_number"`
	Test            bool       `bun:"test"`
	ReceivedAt      time.Time  `bun:"received_at"`
	SubmittedAt     time.Time  `bun:"submitted_at"`
	PickedUpAt      *time.Time `bun:"picked_up_at"`
	PickedUpBy      string     `bun:"picked_up_by"`
	PurgedAt        *time.Time `bun:"purged_at"`
}

type fileRow struct {
	bun.BaseModel `bun:"table:mailbox_files"`
	MessageID     string `bun:"message_id,pk"`
	Position      int    `bun:"position,pk"`
	Kind          string `bun:"kind"`
	Name          string `bun:"name"`
	ContentType   string `bun:"content_type"`
	Size          int    `bun:"size"`
	SHA256        string `bun:"sha256"`
	Sealed        bool   `bun:"sealed"`
	Data          []byte `bun:"data"`
}

// MailboxMessage is an application in a tenant's mailbox (variant 2).
type MailboxMessage struct {
	ID              string        `json:"id"`
	TenantID        string        `json:"tenantId"`
	DeliveryID      string        `json:"deliveryId"`
	ApplicationID   string        `json:"applicationId"`
	Antragsstrecke  string        `json:"antragsstrecke"`
	ReferenceNumber string        `json:"referenceNumber"`
	Test            bool          `json:"test" doc:"Testantrag aus dem Anbindungstest"`
	ReceivedAt      time.Time     `json:"receivedAt"`
	SubmittedAt     time.Time     `json:"submittedAt"`
	PickedUpAt      *time.Time    `json:"pickedUpAt,omitempty" doc:"abgeholt am"`
	PickedUpBy      string        `json:"pickedUpBy,omitempty"`
	Purged          bool          `json:"purged" doc:"Inhalt nach Ablauf der Aufbewahrungsfrist gelöscht"`
	Files           []MailboxFile `json:"files,omitempty"`
}

// MailboxFile describes a file of a message.
type MailboxFile struct {
	Position    int    `json:"position"`
	Kind        string `json:"kind" enum:"xml,pdf,attachment"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

// File is a downloaded file.
type File struct {
	MailboxFile
	Data []byte
}

func (m *mailboxRow) view() MailboxMessage {
	return MailboxMessage{ID: m.ID, TenantID: m.TenantID, DeliveryID: m.DeliveryID, ApplicationID: m.ApplicationID,
		Antragsstrecke: m.Antragsstrecke, ReferenceNumber: m.ReferenceNumber, Test: m.Test, ReceivedAt: m.ReceivedAt.UTC(),
		SubmittedAt: m.SubmittedAt.UTC(), PickedUpAt: utcPtr(m.PickedUpAt), PickedUpBy: m.PickedUpBy, Purged: m.PurgedAt != nil}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// mailboxDraft is a mailbox entry waiting for its transaction.
type mailboxDraft struct {
	files []fileRow
}

// sendMailbox prepares the mailbox entry; finishSend stores it.
func (s *Service) sendMailbox(j *job, doc *payload) outcome {
	d := &mailboxDraft{}
	add := func(kind, name, ct string, data []byte) {
		sum := sha256.Sum256(data)
		d.files = append(d.files, fileRow{Position: len(d.files), Kind: kind, Name: name, ContentType: ct, Size: len(data),
			SHA256: hex.EncodeToString(sum[:]), Data: data})
	}
	name := j.r.ReferenceNumber
	if name == "" {
		name = "antrag"
	}
	add(FileXML, name+".xml", "application/xml", doc.XML)
	if len(doc.PDF) > 0 {
		add(FilePDF, name+".pdf", "application/pdf", doc.PDF)
	}
	for _, a := range doc.Attachments {
		add(FileAttachment, a.Name, a.ContentType, a.Data)
	}
	j.step("mailbox", "Im Postfach der Körperschaft eingegangen")
	return outcome{mailbox: d, ref: "postfach"}
}

// storeMailbox writes a mailbox entry inside the delivery's transaction;
// a second call for the same delivery changes nothing.
func (s *Service) storeMailbox(ctx context.Context, tx bun.Tx, r *row, d *mailboxDraft, now time.Time) error {
	m := &mailboxRow{ID: uuid.Must(uuid.NewV7()).String(), TenantID: r.TenantID, DeliveryID: r.ID, ApplicationID: r.ApplicationID,
		Antragsstrecke: r.Antragsstrecke, ReferenceNumber: r.ReferenceNumber, Test: r.Purpose == PurposeConnectionTest,
		ReceivedAt: now, SubmittedAt: r.SubmittedAt}
	res, err := tx.NewInsert().Model(m).On("CONFLICT (delivery_id) DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("store mailbox message of %s: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	for i := range d.files {
		f := &d.files[i]
		f.MessageID = m.ID
		if s.sealerOf() != nil {
			if f.Data, err = s.sealerOf().Seal(f.Data); err != nil {
				return fmt.Errorf("seal mailbox file: %w", err)
			}
			f.Sealed = true
		}
	}
	if len(d.files) > 0 {
		if _, err := tx.NewInsert().Model(&d.files).Exec(ctx); err != nil {
			return fmt.Errorf("store mailbox files of %s: %w", r.ID, err)
		}
	}
	if _, err := tx.NewUpdate().Model((*row)(nil)).Set("transport_ref = ?", m.ID).Where("id = ?", r.ID).Exec(ctx); err != nil {
		return fmt.Errorf("store mailbox message of %s: %w", r.ID, err)
	}
	return nil
}

// MailboxFilter narrows a mailbox list.
type MailboxFilter struct {
	// Status is "new", "picked-up" or "" (all).
	Status         string
	Antragsstrecke string
	// Query matches the reference number.
	Query string
	// IncludeTests lists the test applications of connection tests too.
	IncludeTests bool
	Limit        int
}

// Guard says whether the caller may see a tenant's objects.
type Guard func(tenantID string) bool

// ListMailbox returns a tenant's mailbox, newest first, and audits the
// access.
func (s *Service) ListMailbox(ctx context.Context, tenantID string, f MailboxFilter) ([]MailboxMessage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	q := f.query(s.db.Read.NewSelect().Model((*mailboxRow)(nil)).Where("tenant_id = ?", tenantID))
	return s.scanMailbox(ctx, tenantID, f, q.OrderExpr("received_at DESC, id DESC").Limit(int64(f.Limit)))
}

// ListMailboxPage returns one page of a tenant's mailbox, newest first,
// plus one when another page follows, and audits the access; f.Limit is
// not used.
func (s *Service) ListMailboxPage(ctx context.Context, tenantID string, f MailboxFilter, p keyset.Page[keyset.TimeKey]) ([]MailboxMessage, error) {
	q := f.query(s.db.Read.NewSelect().Model((*mailboxRow)(nil)).Where("tenant_id = ?", tenantID))
	return s.scanMailbox(ctx, tenantID, f, keyset.NewestFirst("received_at").Apply(q, p.Size(), p.After.Values()...))
}

// PageKey is m's position in ListMailboxPage.
func (m MailboxMessage) PageKey() keyset.TimeKey { return keyset.TimeKey{At: m.ReceivedAt, ID: m.ID} }

// query narrows q to the messages f matches (but for Limit).
func (f MailboxFilter) query(q *bun.SelectQuery) *bun.SelectQuery {
	switch f.Status {
	case "new":
		q = q.Where("picked_up_at IS NULL")
	case "picked-up":
		q = q.Where("picked_up_at IS NOT NULL")
	}
	if f.Antragsstrecke != "" {
		q = q.Where("antragsstrecke = ?", f.Antragsstrecke)
	}
	if qs := strings.TrimSpace(f.Query); qs != "" {
		q = q.Where("LOWER(reference_number) LIKE ?", "%"+strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(qs))+"%")
	}
	if !f.IncludeTests {
		q = q.Where("test = ?", false)
	}
	return q
}

func (s *Service) scanMailbox(ctx context.Context, tenantID string, f MailboxFilter, q *bun.SelectQuery) ([]MailboxMessage, error) {
	var rows []mailboxRow
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list mailbox of %s: %w", tenantID, err)
	}
	out := make([]MailboxMessage, 0, len(rows))
	for i := range rows {
		out = append(out, rows[i].view())
	}
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "list", ObjectType: ObjMailbox,
			Summary: map[string]any{"count": len(out), "status": f.Status, "antragsstrecke": f.Antragsstrecke}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mailboxMessage loads a message with its file list inside db; another
// tenant's message (guard false) is not found.
func (s *Service) mailboxMessage(ctx context.Context, db bun.IDB, id string, guard Guard) (*mailboxRow, []fileRow, error) {
	var m mailboxRow
	err := db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (guard == nil || !guard(m.TenantID))) {
		return nil, nil, fmt.Errorf("mailbox message %s: %w", id, tenant.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("mailbox message %s: %w", id, err)
	}
	var files []fileRow
	if err := db.NewSelect().Model(&files).Column("message_id", "position", "kind", "name", "content_type", "size", "sha256", "sealed").
		Where("message_id = ?", id).OrderExpr("position").Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("mailbox files of %s: %w", id, err)
	}
	return &m, files, nil
}

func viewWithFiles(m *mailboxRow, files []fileRow) *MailboxMessage {
	v := m.view()
	for _, f := range files {
		v.Files = append(v.Files, MailboxFile{Position: f.Position, Kind: f.Kind, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256})
	}
	return &v
}

// OpenMailboxMessage returns a message with its file list and audits the
// access.
func (s *Service) OpenMailboxMessage(ctx context.Context, id string, guard Guard) (*MailboxMessage, error) {
	var out *MailboxMessage
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		m, files, err := s.mailboxMessage(ctx, tx, id, guard)
		if err != nil {
			return err
		}
		out = viewWithFiles(m, files)
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: m.TenantID, Action: "read", ObjectType: ObjMailbox, ObjectID: id,
			Summary: map[string]any{"referenceNumber": m.ReferenceNumber}})
	})
	return out, err
}

// MailboxFile returns a file of a message – the first of its kind, or the
// one at position when kind is "" – and audits the download.
func (s *Service) MailboxFile(ctx context.Context, id, kind string, position int, guard Guard) (*File, error) {
	var out *File
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		m, files, err := s.mailboxMessage(ctx, tx, id, guard)
		if err != nil {
			return err
		}
		if m.PurgedAt != nil {
			return fmt.Errorf("Der Inhalt dieser Nachricht wurde nach Ablauf der Aufbewahrungsfrist gelöscht: %w", tenant.ErrNotFound)
		}
		var f *fileRow
		for i := range files {
			if (kind != "" && files[i].Kind == kind) || (kind == "" && files[i].Position == position) {
				f = &files[i]
				break
			}
		}
		if f == nil {
			return fmt.Errorf("file %s of %s: %w", kind, id, tenant.ErrNotFound)
		}
		var data []byte
		if err := tx.NewSelect().Model((*fileRow)(nil)).Column("data").Where("message_id = ? AND position = ?", id, f.Position).Scan(ctx, &data); err != nil {
			return fmt.Errorf("file of %s: %w", id, err)
		}
		if f.Sealed {
			if s.sealerOf() == nil {
				return errors.New("mailbox file is sealed, but no key is configured")
			}
			if data, err = s.sealerOf().Open(data); err != nil {
				return fmt.Errorf("open mailbox file: %w", err)
			}
		}
		out = &File{MailboxFile: MailboxFile{Position: f.Position, Kind: f.Kind, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256}, Data: data}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: m.TenantID, Action: "download", ObjectType: ObjMailbox, ObjectID: id,
			Summary: map[string]any{"file": f.Name, "kind": f.Kind, "referenceNumber": m.ReferenceNumber}})
	})
	return out, err
}

// PickUp marks a message as abgeholt (by the context's actor), reports it
// to the citizen and audits it. Picking up twice keeps the first time.
func (s *Service) PickUp(ctx context.Context, id string, guard Guard) (*MailboxMessage, error) {
	var out *MailboxMessage
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		m, files, err := s.mailboxMessage(ctx, tx, id, guard)
		if err != nil {
			return err
		}
		if m.PickedUpAt == nil {
			now := s.now()
			m.PickedUpAt, m.PickedUpBy = &now, tenant.ActorFrom(ctx).Label
			if _, err := tx.NewUpdate().Model(m).Column("picked_up_at", "picked_up_by").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("pick up %s: %w", id, err)
			}
			var r row
			if err := tx.NewSelect().Model(&r).Where("id = ?", m.DeliveryID).Scan(ctx); err != nil {
				return fmt.Errorf("delivery of mailbox message %s: %w", id, err)
			}
			if _, err := tx.NewUpdate().Model((*row)(nil)).Set("status = ?", StatusPickedUp).Set("finished_at = ?", now).
				Set("status_detail = ?", "Im Postfach abgeholt von "+m.PickedUpBy).Set("updated_at = ?", now).
				Where("id = ?", r.ID).Where("status = ?", StatusSent).Exec(ctx); err != nil {
				return fmt.Errorf("pick up %s: %w", id, err)
			}
			j := &job{s: s, r: &r, route: Route{Variant: VariantMailbox}}
			if r.Purpose == PurposeConnectionTest {
				j.step("picked-up", "Im Postfach abgeholt")
			}
			if err := s.after(ctx, tx, j, StatusPickedUp, CitizenPickedUp, "", false, now); err != nil {
				return err
			}
			if err := tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: m.TenantID, Action: "pickup", ObjectType: ObjMailbox, ObjectID: id,
				Summary: map[string]any{"referenceNumber": m.ReferenceNumber}}); err != nil {
				return err
			}
		}
		out = viewWithFiles(m, files)
		return nil
	})
	return out, err
}
