package forms

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/portal/forms/uploadcheck"
)

type uploadRow struct {
	bun.BaseModel `bun:"table:draft_uploads"`

	ID          string    `bun:"id,pk"`
	DraftID     string    `bun:"draft_id"`
	FieldID     string    `bun:"field_id"`
	FileName    string    `bun:"file_name"`
	ContentType string    `bun:"content_type"`
	Size        int64     `bun:"size"`
	SHA256      string    `bun:"sha256"`
	KeyID       string    `bun:"key_id"`
	DEK         []byte    `bun:"dek"`
	Data        []byte    `bun:"data"`
	CreatedAt   time.Time `bun:"created_at"`
}

// UploadInfo describes an uploaded document without its content.
type UploadInfo struct {
	ID, FieldID, Name, ContentType string
	Size                           int64
	CreatedAt                      time.Time
}

func uploadAAD(id string) string { return "upload:" + id }

// UploadError is a refused upload; Message is in the citizen's language.
type UploadError struct {
	Field   string
	Message string
}

func (e *UploadError) Error() string { return e.Message }

// allowedTypes are the document types accepted (by content: see
// uploadcheck) with the extension a stored file gets.
var allowedTypes = map[string]string{uploadcheck.PDF: ".pdf", uploadcheck.PNG: ".png", uploadcheck.JPEG: ".jpg"}

// uploadProblems turns the reason uploadcheck gives into the message the
// citizen reads next to the field.
var uploadProblems = map[uploadcheck.Problem]msgKey{
	uploadcheck.ProblemType:      msgUploadType,
	uploadcheck.ProblemEmptyFile: msgUploadEmpty,
	uploadcheck.ProblemDamaged:   msgUploadDamagedPDF,
	uploadcheck.ProblemNoPages:   msgUploadNoPages,
	uploadcheck.ProblemPassword:  msgUploadPassword,
	uploadcheck.ProblemImage:     msgUploadDamagedImage,
	uploadcheck.ProblemTooLarge:  msgUploadPixels,
}

// safeName keeps the base of a file name, without path, control or
// direction characters, and gives it the extension of its real type.
func safeName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u202e' || r == '\u202d' || strings.ContainsRune(`<>:"|?*`, r) {
			return -1
		}
		return r
	}, name)
	base := strings.TrimSuffix(name, path.Ext(name))
	if base == "" || base == "." || base == "/" {
		base = "Dokument"
	}
	if r := []rune(base); len(r) > 80 {
		base = string(r[:80])
	}
	return base + allowedTypes[contentType]
}

// AddUpload stores a document for a file field of a draft, encrypted.
// The size, the number of files (per field and per draft) and the content
// are checked – a PDF must lead to pages, an image must decode, so that
// the clerk can open what arrives; a refusal is an *UploadError in lang.
func (s *Store) AddUpload(ctx context.Context, citizenID, draftID, fieldID, name string, data []byte, lang string) (*UploadInfo, error) {
	// The content is checked before the transaction: decoding a photo
	// takes tens of milliseconds that no database lock should wait for.
	var checked error
	ct := ""
	if len(data) > 0 && int64(len(data)) <= s.opts.MaxUploadBytes {
		res, err := uploadcheck.Check(data)
		ct, checked = res.ContentType, err
	}
	var info *UploadInfo
	err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		d, err := s.loadDraft(ctx, tx, citizenID, draftID)
		if err != nil {
			return err
		}
		f, ok := d.Def.Field(fieldID)
		if !ok || f.Type != TypeFile {
			return ErrNotFound
		}
		refuse := func(key msgKey, args ...any) error {
			return &UploadError{Field: fieldID, Message: message(lang, key, args...)}
		}
		max := f.MaxFiles
		if max == 0 {
			max = defaultMaxFiles
		}
		switch {
		case len(data) == 0:
			return refuse(msgUploadEmpty)
		case int64(len(data)) > s.opts.MaxUploadBytes:
			return refuse(msgUploadTooLarge, s.opts.MaxUploadBytes>>20)
		case d.UploadCounts()[fieldID] >= max:
			return refuse(msgFilesMax, max)
		case len(d.Uploads) >= s.opts.MaxUploads:
			return refuse(msgUploadTotal, s.opts.MaxUploads)
		}
		var bad *uploadcheck.Error
		if errors.As(checked, &bad) {
			return refuse(uploadProblems[bad.Problem], (bad.Pixels+500_000)/1_000_000, uploadcheck.MaxPixels/1_000_000)
		} else if checked != nil {
			return checked
		}
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		row := &uploadRow{ID: id.String(), DraftID: d.ID, FieldID: fieldID, FileName: safeName(name, ct), ContentType: ct,
			Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: s.now()}
		sealed, err := s.seal(data, uploadAAD(row.ID))
		if err != nil {
			return err
		}
		row.KeyID, row.DEK, row.Data = sealed.KeyID, sealed.DEK, []byte{}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("insert upload: %w", err)
		}
		if err := migrations.WriteBlob(ctx, tx, "draft_uploads", "data", "id", row.ID, sealed.Data); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*draftRow)(nil)).Set("updated_at = ?", row.CreatedAt).Where("id = ?", d.ID).Exec(ctx); err != nil {
			return fmt.Errorf("touch draft: %w", err)
		}
		info = &UploadInfo{ID: row.ID, FieldID: fieldID, Name: row.FileName, ContentType: ct, Size: row.Size, CreatedAt: row.CreatedAt}
		return nil
	})
	return info, err
}

// RemoveUpload deletes one upload of a citizen's draft.
func (s *Store) RemoveUpload(ctx context.Context, citizenID, draftID, uploadID string) error {
	return s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.loadDraftRow(ctx, tx, citizenID, draftID); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*uploadRow)(nil)).Where("id = ?", uploadID).Where("draft_id = ?", draftID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete upload: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// Upload returns one upload of a citizen's draft with its content.
func (s *Store) Upload(ctx context.Context, citizenID, draftID, uploadID string) (*UploadInfo, []byte, error) {
	if _, err := s.loadDraftRow(ctx, s.db.Read, citizenID, draftID); err != nil {
		return nil, nil, err
	}
	var row uploadRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ?", uploadID).Where("draft_id = ?", draftID).Scan(ctx); err != nil {
		return nil, nil, notFound(err)
	}
	data, err := s.open(row.KeyID, row.DEK, row.Data, uploadAAD(row.ID))
	if err != nil {
		return nil, nil, err
	}
	return &UploadInfo{ID: row.ID, FieldID: row.FieldID, Name: row.FileName, ContentType: row.ContentType, Size: row.Size, CreatedAt: row.CreatedAt}, data, nil
}

func (s *Store) loadDraftRow(ctx context.Context, db bun.IDB, citizenID, draftID string) (*draftRow, error) {
	var row draftRow
	if err := db.NewSelect().Model(&row).Column("id", "tenant_id", "antragsstrecke", "def_version").
		Where("id = ?", draftID).Where("citizen_id = ?", citizenID).Scan(ctx); err != nil {
		return nil, notFound(err)
	}
	return &row, nil
}

func (s *Store) uploadInfos(ctx context.Context, db bun.IDB, draftID string) ([]UploadInfo, error) {
	var rows []uploadRow
	if err := db.NewSelect().Model(&rows).Column("id", "field_id", "file_name", "content_type", "size", "created_at").
		Where("draft_id = ?", draftID).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	out := make([]UploadInfo, len(rows))
	for i, r := range rows {
		out[i] = UploadInfo{ID: r.ID, FieldID: r.FieldID, Name: r.FileName, ContentType: r.ContentType, Size: r.Size, CreatedAt: r.CreatedAt}
	}
	return out, nil
}
