package forms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/portal/pdf"
	"sozialplattform/portal/xsozial"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
)

// SubmitInput is who submits and what they declared.
type SubmitInput struct {
	CitizenID    string
	Email        string // for the receipt mail; may be empty
	Trust        TrustLevel
	Lang         string
	Declarations map[string]bool
}

// Receipt is the answer of a submission; Duplicate is true when the draft
// had been submitted already (a second tab, a double click, a retry).
type Receipt struct {
	ApplicationID, Reference, TenantID, Antragsstrecke string
	SubmittedAt                                        time.Time
	Duplicate                                          bool
}

// IncompleteError is a submission of a draft with errors: Problems lists
// them, Step is the first step to correct.
type IncompleteError struct {
	Step     string
	Problems Problems
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("der Antrag ist unvollständig (%d Angaben)", len(e.Problems))
}

// TrustError is a submission with a login below the Antragsstrecke's
// minimum trust level.
type TrustError struct {
	Have, Need TrustLevel
}

func (e *TrustError) Error() string { return ErrTrustLevel.Error() }

// Unwrap makes errors.Is(err, ErrTrustLevel) true.
func (e *TrustError) Unwrap() error { return ErrTrustLevel }

// Submit turns a complete draft into an application. It is idempotent per
// draft: the draft's ID is the idempotency key, and a second submission
// (another tab, a retried request) returns the first one's receipt.
//
// The application row is reserved first (reference number, status
// pending) in a short transaction; XML and PDF are built outside any
// transaction; then one transaction writes the answers, the documents, the
// status, the delivery outbox entry and the receipt mail, and deletes the
// draft. Only after that commit is the receipt returned. A crash between
// the two leaves a pending row that the next attempt completes.
func (s *Store) Submit(ctx context.Context, draftID string, in SubmitInput) (*Receipt, error) {
	// The draft first: the transaction that submits it deletes it, so a
	// draft that is there has no receipt yet (a pending reservation is
	// found by reserve), and only a missing one needs the look for one.
	d, uploads, err := s.draftForSubmit(ctx, in.CitizenID, draftID)
	if errors.Is(err, ErrNotFound) {
		// submitted before, or meanwhile by another request?
		if rc, err2 := s.receiptFor(ctx, in.CitizenID, draftID); err2 != nil || rc != nil {
			return rc, err2
		}
	}
	if err != nil {
		return nil, err
	}
	def := d.Def
	if !in.Trust.Satisfies(def.TrustLevel) {
		return nil, &TrustError{Have: in.Trust, Need: def.TrustLevel}
	}
	dest, err := s.dest(ctx, d.TenantID, d.Antragsstrecke)
	if err != nil {
		return nil, fmt.Errorf("destination of %s: %w", d.TenantID, err)
	}
	if !dest.Live {
		return nil, ErrNotLive
	}
	now := s.now()
	lang := in.Lang
	if !slices.Contains(Languages, lang) {
		lang = "de"
	}
	ps := def.ValidateAll(d.Answers, d.UploadCounts(), lang, now).Errors()
	prog := def.Progress(d.Answers, d.Visited, d.UploadCounts(), lang, now)
	if len(ps) > 0 || !prog.Complete() {
		step := def.Steps[prog.FirstOpen].ID
		if len(ps) > 0 {
			step = ps[0].Step
		}
		return nil, &IncompleteError{Step: step, Problems: ps}
	}
	if ps := def.CheckDeclarations(in.Declarations, lang); len(ps) > 0 {
		return nil, &IncompleteError{Step: def.Steps[len(def.Steps)-1].ID, Problems: ps}
	}
	answers := def.Prune(d.Answers)

	app, err := s.reserve(ctx, d)
	if err != nil {
		return nil, err
	}
	if app.Status != StatusPending {
		return &Receipt{ApplicationID: app.ID, Reference: app.Reference, TenantID: app.TenantID, Antragsstrecke: app.Antragsstrecke,
			SubmittedAt: app.SubmittedAt, Duplicate: true}, nil
	}
	app.SubmittedAt = now

	// The documents, outside any transaction.
	files := d.UploadsByField()
	pdfBytes, err := s.renderPDF(def, answers, files, dest.Tenant, app.Reference, now, false, lang)
	if err != nil {
		return nil, err
	}
	msgID, _ := uuid.NewRandom()
	msg := def.message(answers, app, xsozial.Party{Kennung: dest.Kennung, Name: dest.Tenant.Name}, s.opts.Author, s.opts.Product, msgID.String(), pdfBytes)
	xmlBytes, err := s.xml.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("XSozial-basis message of %s: %w", app.Reference, err)
	}
	plain, err := json.Marshal(answers)
	if err != nil {
		return nil, err
	}
	sealed, err := s.seal(plain, "application:"+app.ID)
	if err != nil {
		return nil, err
	}
	pdfDoc, err := s.newDocument(app.ID, DocPDF, "Antrag-"+app.Reference+".pdf", "application/pdf", pdfBytes, now)
	if err != nil {
		return nil, err
	}
	xmlDoc, err := s.newDocument(app.ID, DocXML, "Antrag-"+app.Reference+".xml", "application/xml", xmlBytes, now)
	if err != nil {
		return nil, err
	}
	docs := []*documentRow{pdfDoc, xmlDoc}
	err = s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// The outbox entry first, so that one statement records it with
		// the status. When another request finished this application
		// first, the update below finds no pending row and the whole
		// transaction, outbox entry included, is rolled back.
		deliveryID := ""
		if s.outbox != nil {
			atts := make([]Attachment, len(uploads))
			for i, u := range uploads {
				atts[i] = Attachment{Name: u.info.Name, ContentType: u.info.ContentType, Data: u.data, ID: u.info.ID}
			}
			id, err := s.outbox(ctx, tx, Delivery{ApplicationID: app.ID, TenantID: d.TenantID, Antragsstrecke: d.Antragsstrecke,
				ReferenceNumber: app.Reference, XML: xmlBytes, PDF: pdfBytes, Attachments: atts, SubmittedAt: now,
				XMLID: xmlDoc.ID, PDFID: pdfDoc.ID})
			if err != nil {
				return fmt.Errorf("delivery outbox: %w", err)
			}
			deliveryID = id
		}
		res, err := tx.NewUpdate().Model((*applicationRow)(nil)).
			Set("status = ?", StatusEingereicht).Set("status_at = ?", now).Set("submitted_at = ?", now).
			Set("key_id = ?", sealed.KeyID).Set("dek = ?", sealed.DEK).Set("payload = ?", sealed.Data).Set("delivery_id = ?", deliveryID).
			Set("lang = ?", lang).
			Where("id = ?", app.ID).Where("status = ?", StatusPending).Exec(ctx)
		if err != nil {
			return fmt.Errorf("submit application: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errFinishedElsewhere
		}
		// Both documents in one statement with their data bound.
		rows := make([][]any, len(docs))
		for i, doc := range docs {
			rows[i] = []any{doc.ID, doc.ApplicationID, doc.Kind, doc.FieldID, doc.FileName, doc.ContentType, doc.Size, doc.SHA256,
				doc.KeyID, doc.DEK, doc.Data, doc.CreatedAt}
		}
		if err := migrations.InsertBound(ctx, tx, "application_documents", documentColumns, rows...); err != nil {
			return fmt.Errorf("store documents: %w", err)
		}
		// The uploads move over as they are (same ID, same sealed data),
		// the status is logged, the draft goes, and the receipt mail and
		// the audit entry are written: statements that return nothing the
		// submission needs, sent together – one round trip on PostgreSQL.
		// The copy comes before the draft's deletion, which takes its
		// uploads along.
		batch := []string{
			tx.NewRaw(`INSERT INTO application_documents (id, application_id, kind, field_id, file_name, content_type, size, sha256, key_id, dek, data, created_at)
			SELECT id, ?, ?, field_id, file_name, content_type, size, sha256, key_id, dek, data, created_at FROM draft_uploads WHERE draft_id = ?`,
				app.ID, DocAttachment, d.ID).String(),
			tx.NewInsert().Model(&statusLogRow{ApplicationID: app.ID, Status: StatusEingereicht, At: now}).String(),
			tx.NewDelete().Model((*draftRow)(nil)).Where("id = ?", d.ID).String(),
		}
		if email := strings.TrimSpace(in.Email); email != "" {
			m := mail.Message{TenantID: d.TenantID, To: email, Template: MailReceipt,
				Data: ReceiptData{Reference: app.Reference, Title: def.Title.In("de"), Tenant: dest.Tenant.Name, SubmittedAt: now,
					Link: s.opts.Links.Application.To(dest.Tenant.Slug, app.ID)}}
			if bm, ok := s.mailer.(batchMailer); ok {
				q, err := bm.EnqueueQuery(tx, m)
				if err != nil {
					return fmt.Errorf("receipt mail: %w", err)
				}
				batch = append(batch, q.String())
			} else if err := s.mailer.Enqueue(ctx, tx, m); err != nil {
				return fmt.Errorf("receipt mail: %w", err)
			}
		}
		batch = append(batch, tenant.AuditInsert(ctx, tx, tenant.Audit{TenantID: d.TenantID, Action: "submit", ObjectType: "application", ObjectID: app.ID,
			Summary: map[string]any{"reference": app.Reference, "antragsstrecke": d.Antragsstrecke, "version": def.Version}}).String())
		if _, err := tx.Tx.ExecContext(ctx, strings.Join(batch, ";\n")); err != nil {
			return fmt.Errorf("store attachments, log status, delete draft, receipt mail, audit: %w", err)
		}
		return nil
	})
	if errors.Is(err, errFinishedElsewhere) {
		return s.receiptFor(ctx, in.CitizenID, draftID)
	}
	if err != nil {
		return nil, err
	}
	return &Receipt{ApplicationID: app.ID, Reference: app.Reference, TenantID: d.TenantID, Antragsstrecke: d.Antragsstrecke, SubmittedAt: now}, nil
}

// batchMailer is a Mailer that hands out the statement queueing a mail
// (mail.Outbox), so that Submit sends it with its other statements.
type batchMailer interface {
	EnqueueQuery(db bun.IDB, m mail.Message) (*bun.InsertQuery, error)
}

// documentColumns are the columns of application_documents in the order
// Submit binds them.
var documentColumns = []string{"id", "application_id", "kind", "field_id", "file_name", "content_type", "size", "sha256", "key_id", "dek", "data", "created_at"}

// errFinishedElsewhere rolls back a submission that another request (a
// second tab, a retry) completed first.
var errFinishedElsewhere = errors.New("forms: application submitted by another request")

// SubmittedDraft returns the receipt of the citizen's draft that was
// submitted, nil when the draft was never submitted (or its submission is
// still under way): the draft's old address leads there.
func (s *Store) SubmittedDraft(ctx context.Context, citizenID, draftID string) (*Receipt, error) {
	rc, err := s.receiptFor(ctx, citizenID, draftID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return rc, err
}

// receiptFor returns the receipt of a draft already submitted, nil when
// there is none (or it is still pending).
func (s *Store) receiptFor(ctx context.Context, citizenID, draftID string) (*Receipt, error) {
	var r applicationRow
	err := s.db.Read.NewSelect().Model(&r).Column("id", "reference", "tenant_id", "antragsstrecke", "status", "submitted_at", "citizen_id").
		Where("draft_id = ?", draftID).Scan(ctx)
	if err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	if r.CitizenID == nil || *r.CitizenID != citizenID {
		return nil, ErrNotFound
	}
	if r.Status == StatusPending || r.SubmittedAt == nil {
		return nil, nil
	}
	return &Receipt{ApplicationID: r.ID, Reference: r.Reference, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke,
		SubmittedAt: *r.SubmittedAt, Duplicate: true}, nil
}

// reserve creates (or finds) the pending application row of a draft with
// its reference number, sequential per year: SP-2026-000123.
func (s *Store) reserve(ctx context.Context, d *Draft) (*Application, error) {
	// No look for an existing row first: the unique draft_id answers that
	// (below), and a submission is nearly always the first.
	now := s.now()
	year := now.In(s.loc).Year()
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	citizen := d.CitizenID
	r := applicationRow{ID: id.String(), DraftID: d.ID, CitizenID: &citizen, TenantID: d.TenantID, Antragsstrecke: d.Antragsstrecke,
		DefVersion: d.DefVersion, Status: StatusPending, StatusAt: now, CreatedAt: now}
	const counter = `INSERT INTO application_reference_counters (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = application_reference_counters.last + 1 RETURNING last`
	if s.db.Kind == migrations.Postgres {
		// One statement, atomic by itself: the counter and the row in one
		// round trip instead of four (BEGIN, counter, row, COMMIT), and the
		// counter's row lock – which every submission needs – is held for
		// that statement only, not across round trips.
		err = s.retry(ctx, func() error {
			return s.db.Write.NewInsert().Model(&r).With("n", s.db.Write.NewRaw(counter, year)).
				Value("reference", `(SELECT 'SP-' || ? || '-' || lpad(last::text, greatest(6, length(last::text)), '0') FROM n)`, year).
				Returning("reference").Scan(ctx)
		})
	} else {
		err = s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			var n int64
			if err := tx.NewRaw(counter, year).Scan(ctx, &n); err != nil {
				return fmt.Errorf("reference number: %w", err)
			}
			r.Reference = fmt.Sprintf("SP-%d-%06d", year, n)
			if _, err := tx.NewInsert().Model(&r).Exec(ctx); err != nil {
				return fmt.Errorf("reserve application: %w", err)
			}
			return nil
		})
	}
	if migrations.IsUniqueViolation(err) {
		// another request reserved it at the same moment
		var r applicationRow
		if err := s.db.Read.NewSelect().Model(&r).ExcludeColumn("dek", "payload").Where("draft_id = ?", d.ID).Scan(ctx); err != nil {
			return nil, err
		}
		a := s.toApplication(&r)
		return &a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reserve application: %w", err)
	}
	a := s.toApplication(&r)
	return &a, nil
}

// newDocument seals a generated document of an application.
func (s *Store) newDocument(appID, kind, name, ct string, data []byte, now time.Time) (*documentRow, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	row := &documentRow{ID: id.String(), ApplicationID: appID, Kind: kind, FileName: name, ContentType: ct,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: now}
	sealed, err := s.seal(data, documentAAD(row.ID))
	if err != nil {
		return nil, err
	}
	row.KeyID, row.DEK, row.Data = sealed.KeyID, sealed.DEK, sealed.Data
	return row, nil
}

type uploadData struct {
	info UploadInfo
	data []byte
}

func (s *Store) uploadsWithData(ctx context.Context, draftID string) ([]uploadData, error) {
	var rows []uploadRow
	if err := s.db.Read.NewSelect().Model(&rows).Where("draft_id = ?", draftID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load uploads: %w", err)
	}
	out := make([]uploadData, len(rows))
	for i, r := range rows {
		data, err := s.open(r.KeyID, r.DEK, r.Data, uploadAAD(r.ID))
		if err != nil {
			return nil, err
		}
		out[i] = uploadData{info: UploadInfo{ID: r.ID, FieldID: r.FieldID, Name: r.FileName, ContentType: r.ContentType, Size: r.Size,
			CreatedAt: r.CreatedAt}, data: data}
	}
	return out, nil
}

// renderPDF lays out an application (or a draft) as PDF. The PDF is for
// the office and German whatever language the citizen used: every label
// comes from the definition's German texts. lang is the citizen's portal
// language ("" when unknown): the header names it ("Sprache der
// Antragstellung: Ukrainisch"), so that the office knows in which language
// to answer, and it tells the tagged PDF the language of answers whose
// script alone does not.
func (s *Store) renderPDF(def *Definition, a Answers, files map[string][]UploadInfo, t *tenant.Tenant, reference string, at time.Time, draft bool, lang string) ([]byte, error) {
	doc := &pdf.Document{Title: def.Title.In("de"), Tenant: t.Name, Reference: reference, Date: at.In(s.loc),
		Version: fmt.Sprintf("%s, Version %s (%s)", def.Title.In("de"), def.Version, def.LegalBasis), Draft: draft,
		Platform: s.opts.PlatformName, Sections: def.pdfDocument(a, files), CitizenLang: lang, Language: languageNames[lang]}
	var addr []string
	if t.Street != "" {
		addr = append(addr, t.Street)
	}
	if t.PostalCode != "" || t.City != "" {
		addr = append(addr, strings.TrimSpace(t.PostalCode+" "+t.City))
	}
	doc.Address = addr
	return s.pdf.Render(doc)
}

// DraftPDF renders what a draft holds so far ("Als PDF exportieren").
func (s *Store) DraftPDF(ctx context.Context, citizenID, draftID string) ([]byte, error) {
	d, err := s.Draft(ctx, citizenID, draftID)
	if err != nil {
		return nil, err
	}
	t, err := s.tenants.GetTenant(ctx, d.TenantID)
	if err != nil {
		return nil, err
	}
	return s.renderPDF(d.Def, d.Def.Prune(d.Answers), d.UploadsByField(), t, "", s.now(), true, "")
}
