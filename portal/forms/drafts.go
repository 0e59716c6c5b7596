package forms

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

type draftRow struct {
	bun.BaseModel `bun:"table:application_drafts"`

	ID             string     `bun:"id,pk"`
	CitizenID      string     `bun:"citizen_id"`
	TenantID       string     `bun:"tenant_id"`
	Antragsstrecke string     `bun:"antragsstrecke"`
	DefVersion     string     `bun:"def_version"`
	StepsDone      string     `bun:"steps_done"`
	KeyID          string     `bun:"key_id"`
	DEK            []byte     `bun:"dek"`
	Payload        []byte     `bun:"payload"`
	Version        int        `bun:"version"`
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
	ExpiresAt      time.Time  `bun:"expires_at"`
	RemindedAt     *time.Time `bun:"reminded_at"`
}

// Draft is an application being filled in.
type Draft struct {
	ID, CitizenID, TenantID, Antragsstrecke, DefVersion string
	// Visited lists the steps saved at least once.
	Visited   []string
	Answers   Answers
	Uploads   []UploadInfo
	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time
	Def       *Definition
}

// UploadCounts counts the uploads per file field.
func (d *Draft) UploadCounts() map[string]int {
	out := map[string]int{}
	for _, u := range d.Uploads {
		out[u.FieldID]++
	}
	return out
}

// UploadsByField groups the uploads by file field.
func (d *Draft) UploadsByField() map[string][]UploadInfo {
	out := map[string][]UploadInfo{}
	for _, u := range d.Uploads {
		out[u.FieldID] = append(out[u.FieldID], u)
	}
	return out
}

// DraftSummary is a draft in the citizen's list (no answers).
type DraftSummary struct {
	ID, TenantID, TenantName, Antragsstrecke, DefVersion string
	StepsDone                                            int
	UpdatedAt, ExpiresAt                                 time.Time
}

func draftAAD(id string) string { return "draft:" + id }

// CreateDraft starts an application for a citizen at a municipality with
// the newest definition of the Antragsstrecke.
func (s *Store) CreateDraft(ctx context.Context, citizenID, tenantID, strecke string, prefill Answers) (*Draft, error) {
	def, ok := s.reg.Latest(strecke)
	if !ok {
		return nil, ErrNotFound
	}
	dest, err := s.dest(ctx, tenantID, strecke)
	if err != nil {
		return nil, err
	}
	if !dest.Live {
		return nil, ErrNotLive
	}
	n, err := s.db.Read.NewSelect().Model((*draftRow)(nil)).Where("citizen_id = ?", citizenID).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count drafts: %w", err)
	}
	if int(n) >= s.opts.MaxDrafts {
		return nil, ErrTooMany
	}
	ttl, err := s.draftTTL(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	answers := Answers{}
	for k, v := range prefill {
		if _, ok := def.Field(k); ok && v.S != "" {
			answers[k] = v
		}
	}
	row := &draftRow{ID: id.String(), CitizenID: citizenID, TenantID: tenantID, Antragsstrecke: strecke, DefVersion: def.Version,
		Version: 1, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.sealDraft(row, answers); err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("insert draft: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Draft{ID: row.ID, CitizenID: citizenID, TenantID: tenantID, Antragsstrecke: strecke, DefVersion: def.Version,
		Answers: answers, CreatedAt: now, UpdatedAt: now, ExpiresAt: row.ExpiresAt, Def: def}, nil
}

func (s *Store) sealDraft(row *draftRow, a Answers) error {
	plain, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	sealed, err := s.seal(plain, draftAAD(row.ID))
	if err != nil {
		return err
	}
	row.KeyID, row.DEK, row.Payload = sealed.KeyID, sealed.DEK, sealed.Data
	return nil
}

// Draft loads a citizen's draft with answers and uploads; another
// citizen's draft is ErrNotFound.
func (s *Store) Draft(ctx context.Context, citizenID, draftID string) (*Draft, error) {
	return s.loadDraft(ctx, s.db.Read, citizenID, draftID)
}

func (s *Store) loadDraft(ctx context.Context, db bun.IDB, citizenID, draftID string) (*Draft, error) {
	if _, err := uuid.Parse(draftID); err != nil {
		return nil, ErrNotFound
	}
	var row draftRow
	if err := db.NewSelect().Model(&row).Where("id = ?", draftID).Where("citizen_id = ?", citizenID).Scan(ctx); err != nil {
		return nil, notFound(err)
	}
	return s.decodeDraft(ctx, db, &row)
}

func (s *Store) decodeDraft(ctx context.Context, db bun.IDB, row *draftRow) (*Draft, error) {
	return s.decodeDraftWith(ctx, db, row, nil)
}

// draftForSubmit loads a draft and its uploads with their data: two
// queries, where Draft and uploadsWithData take three.
func (s *Store) draftForSubmit(ctx context.Context, citizenID, draftID string) (*Draft, []uploadData, error) {
	if _, err := uuid.Parse(draftID); err != nil {
		return nil, nil, ErrNotFound
	}
	var row draftRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ?", draftID).Where("citizen_id = ?", citizenID).Scan(ctx); err != nil {
		return nil, nil, notFound(err)
	}
	uploads, err := s.uploadsWithData(ctx, row.ID)
	if err != nil {
		return nil, nil, err
	}
	infos := make([]UploadInfo, len(uploads))
	for i, u := range uploads {
		infos[i] = u.info
	}
	d, err := s.decodeDraftWith(ctx, s.db.Read, &row, infos)
	return d, uploads, err
}

// decodeDraftWith decodes a draft row; ups are its uploads, nil to load
// them.
func (s *Store) decodeDraftWith(ctx context.Context, db bun.IDB, row *draftRow, ups []UploadInfo) (*Draft, error) {
	def, ok := s.reg.Get(row.Antragsstrecke, row.DefVersion)
	if !ok {
		return nil, fmt.Errorf("draft %s: definition %s@%s is gone", row.ID, row.Antragsstrecke, row.DefVersion)
	}
	plain, err := s.open(row.KeyID, row.DEK, row.Payload, draftAAD(row.ID))
	if err != nil {
		return nil, err
	}
	var a Answers
	if err := json.Unmarshal(plain, &a); err != nil {
		return nil, fmt.Errorf("draft %s: decode answers: %w", row.ID, err)
	}
	if a == nil {
		a = Answers{}
	}
	if ups == nil {
		if ups, err = s.uploadInfos(ctx, db, row.ID); err != nil {
			return nil, err
		}
	}
	var visited []string
	if row.StepsDone != "" {
		visited = strings.Split(row.StepsDone, ",")
	}
	return &Draft{ID: row.ID, CitizenID: row.CitizenID, TenantID: row.TenantID, Antragsstrecke: row.Antragsstrecke, DefVersion: row.DefVersion,
		Visited: visited, Answers: a, Uploads: ups, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, ExpiresAt: row.ExpiresAt, Def: def}, nil
}

// Drafts lists a citizen's drafts, the newest first.
func (s *Store) Drafts(ctx context.Context, citizenID string) ([]DraftSummary, error) {
	var rows []draftRow
	if err := s.db.Read.NewSelect().Model(&rows).Column("id", "tenant_id", "antragsstrecke", "def_version", "steps_done", "updated_at", "expires_at").
		Where("citizen_id = ?", citizenID).OrderExpr("updated_at DESC").Limit(100).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	out := make([]DraftSummary, 0, len(rows))
	for _, r := range rows {
		ds := DraftSummary{ID: r.ID, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke, DefVersion: r.DefVersion, UpdatedAt: r.UpdatedAt, ExpiresAt: r.ExpiresAt}
		if r.StepsDone != "" {
			ds.StepsDone = len(strings.Split(r.StepsDone, ","))
		}
		if t, err := s.tenants.GetTenant(ctx, r.TenantID); err == nil {
			ds.TenantName = t.Name
		}
		out = append(out, ds)
	}
	return out, nil
}

// StepResult is what saving a step gives back: the draft as saved and the
// step's problems (errors keep the citizen on the step, warnings do not).
type StepResult struct {
	Draft    *Draft
	Problems Problems
}

// SaveStep binds a step's form inputs onto the draft's current answers and
// saves them – whether valid or not, so that nothing typed is lost (also
// when the session expired meanwhile and the citizen logs in again). The
// read-modify-write runs in one transaction, so that two tabs saving
// different steps do not overwrite each other. The step counts as visited
// when it has no errors.
func (s *Store) SaveStep(ctx context.Context, citizenID, draftID, stepID string, form url.Values, lang string, act *Action) (*StepResult, error) {
	var res StepResult
	err := s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		d, err := s.loadDraft(ctx, tx, citizenID, draftID)
		if err != nil {
			return err
		}
		step, _, ok := d.Def.Step(stepID)
		if !ok || step.IsSummary() {
			return ErrNotFound
		}
		answers := d.Def.Bind(step, form, d.Answers, lang, act)
		problems := d.Def.ValidateStep(step, answers, d.UploadCounts(), lang, s.now())
		visited := slices.DeleteFunc(slices.Clone(d.Visited), func(id string) bool { return id == stepID })
		if len(problems.Errors()) == 0 && act == nil {
			visited = append(visited, stepID)
		}
		ttl, err := s.draftTTL(ctx, d.TenantID)
		if err != nil {
			return err
		}
		now := s.now()
		row := &draftRow{ID: d.ID}
		if err := s.sealDraft(row, answers); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model(row).
			Set("key_id = ?", row.KeyID).Set("dek = ?", row.DEK).Set("payload = ?", row.Payload).
			Set("steps_done = ?", strings.Join(visited, ",")).Set("version = version + 1").
			Set("updated_at = ?", now).Set("expires_at = ?", now.Add(ttl)).Set("reminded_at = NULL").
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("save draft: %w", err)
		}
		d.Answers, d.Visited, d.UpdatedAt, d.ExpiresAt = answers, visited, now, now.Add(ttl)
		res = StepResult{Draft: d, Problems: problems}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// DeleteDraft deletes a citizen's draft with its uploads.
func (s *Store) DeleteDraft(ctx context.Context, citizenID, draftID string) error {
	return s.tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var row draftRow
		if err := tx.NewSelect().Model(&row).Column("id", "tenant_id", "antragsstrecke").
			Where("id = ?", draftID).Where("citizen_id = ?", citizenID).Scan(ctx); err != nil {
			return notFound(err)
		}
		// Only a draft is deleted: once Submit reserved its application,
		// the draft's answers and uploads are on their way to the office.
		n, err := tx.NewSelect().Table("applications").Where("draft_id = ?", row.ID).Count(ctx)
		if err != nil {
			return fmt.Errorf("delete draft: %w", err)
		}
		if n > 0 {
			return ErrSubmitting
		}
		if _, err := tx.NewDelete().Model((*draftRow)(nil)).Where("id = ?", row.ID).Exec(ctx); err != nil {
			return fmt.Errorf("delete draft: %w", err)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: row.TenantID, Action: "delete", ObjectType: "application-draft", ObjectID: row.ID,
			Summary: map[string]any{"antragsstrecke": row.Antragsstrecke, "reason": "citizen"}})
	})
}
