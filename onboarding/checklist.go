package onboarding

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
)

// Template is a checklist entry the ministry maintains. Variant 0 applies
// to every variant. Each case gets one item per template that applies to
// its variant.
type Template struct {
	ID          string    `json:"id"`
	Variant     Variant   `json:"variant" doc:"0 = alle Varianten"`
	Phase       Phase     `json:"phase"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Position    int       `json:"position"`
	Active      bool      `json:"active"`
	Scope       Scope     `json:"scope" enum:"case,tenant" doc:"case: je Antragsstrecke; tenant: einmal je Kommune für alle ihre Fälle"`
	Fact        Fact      `json:"fact,omitempty" doc:"Tatsache, die das System prüft; leer, wenn Menschen den Punkt abhaken"`
	Version     int       `json:"version"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

type templateRow struct {
	bun.BaseModel `bun:"table:onboarding_checklist_templates"`
	ID            string    `bun:"id,pk"`
	Variant       int       `bun:"variant"`
	Phase         string    `bun:"phase"`
	Title         string    `bun:"title"`
	Description   string    `bun:"description"`
	Position      int       `bun:"position"`
	Active        bool      `bun:"active"`
	Scope         string    `bun:"scope"`
	Fact          string    `bun:"fact"`
	Version       int       `bun:"version"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

func (r *templateRow) model() Template {
	return Template{ID: r.ID, Variant: Variant(r.Variant), Phase: Phase(r.Phase), Title: r.Title, Description: r.Description,
		Position: r.Position, Active: r.Active, Scope: Scope(r.Scope), Fact: Fact(r.Fact), Version: r.Version, UpdatedAt: r.UpdatedAt.UTC()}
}

// Item is one checklist entry of a case.
type Item struct {
	ID          string     `json:"id"`
	CaseID      string     `json:"caseId"`
	TemplateID  string     `json:"templateId,omitempty"`
	Variant     Variant    `json:"variant" doc:"0 = gilt für alle Varianten"`
	Phase       Phase      `json:"phase"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Done        bool       `json:"done"`
	DoneAt      *time.Time `json:"doneAt,omitempty"`
	DoneBy      string     `json:"doneBy,omitempty"`
	Comment     string     `json:"comment"`
	// Scope "tenant" items hold one state for all cases of the
	// municipality (SetItem changes them all).
	Scope Scope `json:"scope" enum:"case,tenant" doc:"tenant: einmal je Kommune erledigt, gilt für alle ihre Fälle"`
	// Fact names what the system checks for the item; such items are set
	// by the system (System) and cannot be ticked by hand.
	Fact        Fact         `json:"fact,omitempty" doc:"Tatsache, die das System prüft"`
	System      bool         `json:"system" doc:"vom System gesetzt; nicht von Hand abhakbar"`
	FactNote    string       `json:"factNote,omitempty" doc:"was das System festgestellt hat"`
	Attachments []Attachment `json:"attachments"`
	Version     int          `json:"version"`
	UpdatedAt   time.Time    `json:"updatedAt"`
}

type itemRow struct {
	bun.BaseModel `bun:"table:onboarding_case_items"`
	ID            string     `bun:"id,pk"`
	CaseID        string     `bun:"case_id"`
	TemplateID    string     `bun:"template_id"`
	Variant       int        `bun:"variant"`
	Phase         string     `bun:"phase"`
	Title         string     `bun:"title"`
	Description   string     `bun:"description"`
	Position      int        `bun:"position"`
	Done          bool       `bun:"done"`
	DoneAt        *time.Time `bun:"done_at"`
	DoneBy        string     `bun:"done_by"`
	Comment       string     `bun:"comment"`
	Version       int        `bun:"version"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

func (r *itemRow) model() Item {
	return Item{ID: r.ID, CaseID: r.CaseID, TemplateID: r.TemplateID, Variant: Variant(r.Variant), Phase: Phase(r.Phase),
		Title: r.Title, Description: r.Description, Done: r.Done, DoneAt: utcPtr(r.DoneAt), DoneBy: r.DoneBy,
		Comment: r.Comment, Attachments: []Attachment{}, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC()}
}

// Attachment is a file attached to a checklist item, e.g. the signed
// Sub-Nachnutzungsvertrag. Data is only filled by Attachment.
type Attachment struct {
	ID          string    `json:"id"`
	CaseID      string    `json:"caseId"`
	ItemID      string    `json:"itemId"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploadedBy"`
	UploadedAt  time.Time `json:"uploadedAt"`
	Data        []byte    `json:"-"`
}

type attachmentRow struct {
	bun.BaseModel `bun:"table:onboarding_attachments"`
	ID            string    `bun:"id,pk"`
	CaseID        string    `bun:"case_id"`
	ItemID        string    `bun:"item_id"`
	Filename      string    `bun:"filename"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	SHA256        string    `bun:"sha256"`
	Data          []byte    `bun:"data"`
	UploadedBy    string    `bun:"uploaded_by"`
	UploadedAt    time.Time `bun:"uploaded_at"`
}

func (r *attachmentRow) model() Attachment {
	return Attachment{ID: r.ID, CaseID: r.CaseID, ItemID: r.ItemID, Filename: r.Filename, ContentType: r.ContentType,
		Size: r.Size, SHA256: r.SHA256, UploadedBy: r.UploadedBy, UploadedAt: r.UploadedAt.UTC(), Data: r.Data}
}

// ListTemplates returns the templates ordered by variant, phase and
// position; inactive ones only when all is true.
func (s *Store) ListTemplates(ctx context.Context, all bool) ([]Template, error) {
	var rows []templateRow
	q := s.db.Read.NewSelect().Model(&rows).
		OrderExpr("variant, CASE phase WHEN 'preparation' THEN 0 WHEN 'connection-tests' THEN 1 ELSE 2 END, position, id")
	if !all {
		q = q.Where("active = ?", true)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list checklist templates: %w", err)
	}
	out := make([]Template, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// TemplateInput is a template as the ministry enters it.
type TemplateInput struct {
	Variant     Variant
	Phase       Phase
	Title       string
	Description string
	Position    int
	Active      bool
	Scope       Scope // "" is ScopeCase
	Fact        Fact  // "" for items people tick
}

var templateIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (in *TemplateInput) validate() error {
	var errs tenant.FieldErrors
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	if in.Variant != VariantNone && !in.Variant.Valid() {
		errs.Add("variant", "Bitte wählen Sie 0 (alle Varianten), 1, 2 oder 3.")
	}
	if !in.Phase.Valid() {
		errs.Add("phase", "Bitte wählen Sie eine Phase: preparation, connection-tests oder production.")
	}
	switch {
	case in.Title == "":
		errs.Add("title", "Bitte geben Sie einen Titel an.")
	case utf8.RuneCountInString(in.Title) > 200:
		errs.Append(i18n.Coded("title", i18n.CodeMaxLength, map[string]any{"max": 200}))
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		errs.Append(i18n.Coded("description", i18n.CodeMaxLength, map[string]any{"max": 2000}))
	}
	if in.Scope == "" {
		in.Scope = ScopeCase
	}
	if !in.Scope.Valid() {
		errs.Add("scope", "Bitte wählen Sie case (je Antragsstrecke) oder tenant (einmal je Kommune).")
	}
	if in.Fact != "" && !in.Fact.Valid() {
		errs.Add("fact", "Unbekannte Tatsache; möglich sind: %s.", strings.Join(factNames(), ", "))
	}
	return errs.Err()
}

// PutTemplate creates or replaces a template. Open items of existing cases
// follow the change: a new or re-activated template adds its item to every
// case of the variant whose phase is not completed; a deactivated one
// removes its items from such cases where nothing was recorded on them;
// title and description of items not yet done are updated.
func (s *Store) PutTemplate(ctx context.Context, id string, version int, in TemplateInput) (*Template, error) {
	if !templateIDPattern.MatchString(id) || len(id) > 64 {
		return nil, fault.Field("id", "Die Kennung besteht aus Kleinbuchstaben, Ziffern und Bindestrichen, z. B. v1-dvdv.")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Template
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var old templateRow
		err := tx.NewSelect().Model(&old).Where("id = ?", id).Scan(ctx)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("load checklist template %s: %w", id, err)
		}
		if exists && version != 0 && old.Version != version {
			return tenant.ErrStaleVersion
		}
		row := templateRow{ID: id, Variant: int(in.Variant), Phase: string(in.Phase), Title: in.Title, Description: in.Description,
			Position: in.Position, Active: in.Active, Scope: string(in.Scope), Fact: string(in.Fact), UpdatedAt: s.now(), Version: 1}
		action := "create"
		summary := map[string]any{"after": templateSummary(&row)}
		if exists {
			action = "update"
			summary = diff(templateSummary(&old), templateSummary(&row))
			row.Version = old.Version + 1
			res, err := tx.NewUpdate().Model(&row).WherePK().Where("version = ?", old.Version).Exec(ctx)
			if err != nil {
				return fmt.Errorf("update checklist template %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return tenant.ErrStaleVersion
			}
		} else if _, err := tx.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("insert checklist template %s: %w", id, err)
		}
		if err := s.applyTemplate(ctx, tx, &row); err != nil {
			return err
		}
		t := row.model()
		out = &t
		return audit(ctx, tx, "", action, ObjChecklistTemplate, id, summary)
	})
	return out, err
}

func templateSummary(r *templateRow) map[string]any {
	return map[string]any{"variant": r.Variant, "phase": r.Phase, "title": r.Title, "description": r.Description,
		"position": r.Position, "active": r.Active, "scope": r.Scope, "fact": r.Fact}
}

// openPhaseCond is the SQL condition "the phase of column phaseCol is not
// completed" for a case aliased c.
const openPhaseCond = `((%[1]s = 'preparation' AND c.preparation_status <> 'completed')
	OR (%[1]s = 'connection-tests' AND c.tests_status <> 'completed')
	OR (%[1]s = 'production' AND c.production_status <> 'completed'))`

// applyTemplate brings the items of open cases in line with a template.
func (s *Store) applyTemplate(ctx context.Context, db bun.IDB, t *templateRow) error {
	now := s.now()
	if _, err := db.NewRaw(`UPDATE onboarding_case_items SET title = ?, description = ?, position = ?, updated_at = ?
		WHERE template_id = ? AND done = ?`, t.Title, t.Description, t.Position, now, t.ID, false).Exec(ctx); err != nil {
		return fmt.Errorf("update items of template %s: %w", t.ID, err)
	}
	if !t.Active {
		_, err := db.NewRaw(`DELETE FROM onboarding_case_items WHERE template_id = ? AND done = ? AND comment = ''
			AND NOT EXISTS (SELECT 1 FROM onboarding_attachments AS a WHERE a.item_id = onboarding_case_items.id)
			AND case_id IN (SELECT c.id FROM onboarding_cases AS c WHERE `+fmt.Sprintf(openPhaseCond, "?")+`)`,
			t.ID, false, t.Phase, t.Phase, t.Phase).Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove items of template %s: %w", t.ID, err)
		}
		return nil
	}
	var cases []caseRow
	q := db.NewSelect().Model(&cases).Column("id", "variant", "preparation_status", "tests_status", "production_status")
	if t.Variant != 0 {
		q = q.Where("variant = ?", t.Variant)
	}
	if err := q.Scan(ctx); err != nil {
		return fmt.Errorf("cases for template %s: %w", t.ID, err)
	}
	var items []itemRow
	for _, c := range cases {
		if st, _, _ := c.phase(Phase(t.Phase)); *st == string(Completed) {
			continue
		}
		items = append(items, newItem(c.ID, t, now))
	}
	return insertItems(ctx, db, items)
}

// itemID is the ID of a case's item from a template: stable, so that a
// template applies at most once per case.
func itemID(caseID, templateID string) string { return caseID + "." + templateID }

func newItem(caseID string, t *templateRow, now time.Time) itemRow {
	return itemRow{ID: itemID(caseID, t.ID), CaseID: caseID, TemplateID: t.ID, Variant: t.Variant, Phase: t.Phase, Title: t.Title,
		Description: t.Description, Position: t.Position, Version: 1, UpdatedAt: now}
}

func insertItems(ctx context.Context, db bun.IDB, items []itemRow) error {
	for start := 0; start < len(items); start += 200 {
		batch := items[start:min(start+200, len(items))]
		if _, err := db.NewInsert().Model(&batch).On("CONFLICT (id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("insert checklist items: %w", err)
		}
	}
	return nil
}

// syncItems gives a case the items of every active template for all
// variants and for its variant, in phases not yet completed. Items of
// another variant stay (with what was recorded) but no longer count.
func (s *Store) syncItems(ctx context.Context, db bun.IDB, c *caseRow) error {
	var ts []templateRow
	if err := db.NewSelect().Model(&ts).Where("active = ? AND variant IN (?)", true, bun.In([]int{0, c.Variant})).Scan(ctx); err != nil {
		return fmt.Errorf("checklist templates: %w", err)
	}
	now := s.now()
	var items []itemRow
	for i := range ts {
		if st, _, _ := c.phase(Phase(ts[i].Phase)); *st == string(Completed) {
			continue
		}
		items = append(items, newItem(c.ID, &ts[i], now))
	}
	return insertItems(ctx, db, items)
}

// caseItems returns the items that count for the case's variant, with
// their attachments (without data), in phase and position order. Items
// the system checks show the facts (applyFacts); an item done once per
// municipality shows the attachments of all its cases.
func (s *Store) caseItems(ctx context.Context, db bun.IDB, c *Case) ([]Item, error) {
	var rows []itemRow
	err := db.NewSelect().Model(&rows).Where("case_id = ? AND variant IN (?)", c.ID, bun.In([]int{0, int(c.Variant)})).
		OrderExpr("CASE phase WHEN 'preparation' THEN 0 WHEN 'connection-tests' THEN 1 ELSE 2 END, variant, position, id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("checklist of case %s: %w", c.ID, err)
	}
	kinds, err := templateKinds(ctx, db)
	if err != nil {
		return nil, err
	}
	out := make([]Item, len(rows))
	byID, byTemplate := map[string]int{}, map[string]int{}
	var shared []string
	for i := range rows {
		out[i] = rows[i].model()
		out[i].Scope = ScopeCase
		if k, ok := kinds[rows[i].TemplateID]; ok {
			out[i].Scope, out[i].Fact = Scope(k.Scope), Fact(k.Fact)
		}
		byID[rows[i].ID] = i
		if out[i].Scope == ScopeTenant {
			byTemplate[rows[i].TemplateID] = i
			shared = append(shared, rows[i].TemplateID)
		}
	}
	var atts []struct {
		attachmentRow `bun:",extend"`
		TemplateID    string `bun:"template_id"`
	}
	q := db.NewSelect().TableExpr("onboarding_attachments AS a").ColumnExpr("a.id, a.case_id, a.item_id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, i.template_id").
		Join("JOIN onboarding_case_items AS i ON i.id = a.item_id")
	if len(shared) > 0 {
		q = q.Join("JOIN onboarding_cases AS c ON c.id = a.case_id").
			Where("a.case_id = ? OR (c.tenant_id = ? AND i.template_id IN (?))", c.ID, c.TenantID, bun.In(shared))
	} else {
		q = q.Where("a.case_id = ?", c.ID)
	}
	if err := q.OrderExpr("a.uploaded_at, a.id").Scan(ctx, &atts); err != nil {
		return nil, fmt.Errorf("attachments of case %s: %w", c.ID, err)
	}
	for i := range atts {
		j, ok := byID[atts[i].ItemID]
		if !ok {
			j, ok = byTemplate[atts[i].TemplateID]
		}
		if ok {
			out[j].Attachments = append(out[j].Attachments, atts[i].attachmentRow.model())
		}
	}
	if err := s.applyFacts(ctx, db, c, out); err != nil {
		return nil, err
	}
	return out, nil
}

// templateKind is the scope and fact of a template.
type templateKind struct {
	Scope string `bun:"scope"`
	Fact  string `bun:"fact"`
}

// templateKinds returns scope and fact of every template that is not a
// plain per-case item.
func templateKinds(ctx context.Context, db bun.IDB) (map[string]templateKind, error) {
	var rows []struct {
		ID string `bun:"id"`
		templateKind
	}
	if err := db.NewSelect().Model((*templateRow)(nil)).Column("id", "scope", "fact").
		Where("scope <> ? OR fact <> ''", string(ScopeCase)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("kinds of checklist templates: %w", err)
	}
	out := make(map[string]templateKind, len(rows))
	for _, r := range rows {
		out[r.ID] = r.templateKind
	}
	return out, nil
}

// Checklist returns the items of a case that count for its variant.
func (s *Store) Checklist(ctx context.Context, caseID string) ([]Item, error) {
	c, err := s.GetCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	return s.caseItems(ctx, s.db.Read, c)
}

// ItemPatch changes a checklist item; nil means unchanged.
type ItemPatch struct {
	Done    *bool
	Comment *string
	Version int // of the item; 0 skips the check
}

// MaxCommentLen caps an item's comment.
const MaxCommentLen = 2000

// SetItem marks an item done or open and sets its comment. Who and when
// are recorded from the context's actor. An item of a completed phase can
// still get a comment but cannot be reopened.
func (s *Store) SetItem(ctx context.Context, caseID, itemID string, p ItemPatch) (*Item, error) {
	if p.Comment != nil {
		c := strings.TrimSpace(*p.Comment)
		if utf8.RuneCountInString(c) > MaxCommentLen {
			return nil, i18n.FieldCoded("comment", i18n.CodeMaxLength, map[string]any{"max": MaxCommentLen})
		}
		if strings.ContainsFunc(c, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
			return nil, i18n.FieldCoded("comment", i18n.CodeControlChars, nil)
		}
		p.Comment = &c
	}
	var out *Item
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		crow, err := s.loadCaseRow(ctx, tx, caseID)
		if err != nil {
			return err
		}
		var row itemRow
		if err := tx.NewSelect().Model(&row).Where("id = ? AND case_id = ?", itemID, caseID).Scan(ctx); err != nil {
			return fault.NotFound(err, "checklist item "+itemID)
		}
		if p.Version != 0 && row.Version != p.Version {
			return ErrCaseChanged
		}
		kinds, err := templateKinds(ctx, tx)
		if err != nil {
			return err
		}
		kind := kinds[row.TemplateID]
		if kind.Fact != "" && p.Done != nil {
			// The system sets the item: a hand can only agree with the facts.
			c, err := s.caseModel(crow)
			if err != nil {
				return err
			}
			st, err := s.newFactChecker(tx, c).check(ctx, Fact(kind.Fact))
			if err != nil {
				return err
			}
			if *p.Done != st.ok {
				return &RuleError{Reasons: []string{fmt.Sprintf("„%s“ setzt das System selbst (%s) und kann nicht von Hand %s werden. %s",
					row.Title, Fact(kind.Fact).Label(), map[bool]string{true: "abgehakt", false: "geöffnet"}[*p.Done], st.note)}}
			}
			p.Done = nil
		}
		before := map[string]any{"done": row.Done, "comment": row.Comment}
		now := s.now()
		if p.Done != nil && *p.Done != row.Done {
			if st, _, _ := crow.phase(Phase(row.Phase)); !*p.Done && *st == string(Completed) {
				return &RuleError{Reasons: []string{fmt.Sprintf("„%s“ gehört zur abgeschlossenen Phase „%s“ und kann nicht wieder geöffnet werden.", row.Title, Phase(row.Phase).Label())}}
			}
			row.Done = *p.Done
			if row.Done {
				row.DoneAt, row.DoneBy = &now, tenant.ActorFrom(ctx).Label
			} else {
				row.DoneAt, row.DoneBy = nil, ""
			}
		}
		if p.Comment != nil {
			row.Comment = *p.Comment
		}
		summary := diff(before, map[string]any{"done": row.Done, "comment": row.Comment})
		if len(summary["after"].(map[string]any)) > 0 {
			old := row.Version
			row.Version++
			row.UpdatedAt = now
			res, err := tx.NewUpdate().Model(&row).WherePK().Where("version = ?", old).Exec(ctx)
			if err != nil {
				return fmt.Errorf("update checklist item %s: %w", itemID, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return ErrCaseChanged
			}
			if err := s.touchCase(ctx, tx, caseID, now); err != nil {
				return err
			}
			summary["caseId"], summary["title"] = caseID, row.Title
			if kind.Scope == string(ScopeTenant) {
				n, err := s.shareItem(ctx, tx, crow.TenantID, &row, now)
				if err != nil {
					return err
				}
				summary["scope"], summary["sharedWith"] = string(ScopeTenant), n
			}
			if err := audit(ctx, tx, crow.TenantID, "update", "onboarding-checklist-item", itemID, summary); err != nil {
				return err
			}
			// The last item before the test application asks the
			// ministry; an item done once per municipality may be that
			// item in each of its cases.
			asked := []string{caseID}
			if kind.Scope == string(ScopeTenant) {
				if err := tx.NewSelect().Model((*caseRow)(nil)).Column("id").Where("tenant_id = ? AND tests_status = ?", crow.TenantID, string(InProgress)).
					Scan(ctx, &asked); err != nil {
					return fmt.Errorf("cases of tenant %s: %w", crow.TenantID, err)
				}
			}
			if err := s.requestGoLiveIfDue(ctx, tx, asked...); err != nil {
				return err
			}
		}
		it := row.model()
		var atts []attachmentRow
		if err := tx.NewSelect().Model(&atts).ExcludeColumn("data").Where("item_id = ?", itemID).OrderExpr("uploaded_at, id").Scan(ctx); err != nil {
			return fmt.Errorf("attachments of item %s: %w", itemID, err)
		}
		for i := range atts {
			it.Attachments = append(it.Attachments, atts[i].model())
		}
		out = &it
		return nil
	})
	return out, err
}

// shareItem gives the items of the same template in the municipality's
// other cases the state of row (done, by whom, comment): an item done once
// per municipality. Items of completed phases stay as they are. It
// returns how many cases were changed.
func (s *Store) shareItem(ctx context.Context, db bun.IDB, tenantID string, row *itemRow, now time.Time) (int, error) {
	res, err := db.NewRaw(`UPDATE onboarding_case_items SET done = ?, done_at = ?, done_by = ?, comment = ?, version = version + 1, updated_at = ?
		WHERE template_id = ? AND id <> ? AND case_id IN (SELECT c.id FROM onboarding_cases AS c WHERE c.tenant_id = ? AND `+fmt.Sprintf(openPhaseCond, "?")+`)`,
		row.Done, row.DoneAt, row.DoneBy, row.Comment, now, row.TemplateID, row.ID, tenantID, row.Phase, row.Phase, row.Phase).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("share checklist item %s: %w", row.ID, err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if _, err := db.NewRaw(`UPDATE onboarding_cases SET last_progress_at = ?, stale_reminded_at = NULL WHERE tenant_id = ? AND id IN
			(SELECT case_id FROM onboarding_case_items WHERE template_id = ?)`, now, tenantID, row.TemplateID).Exec(ctx); err != nil {
			return 0, fmt.Errorf("record progress of shared item %s: %w", row.ID, err)
		}
	}
	return int(n), nil
}

// inheritShared gives a new case the state of the items its municipality
// has already done once (scope tenant): a second order does not repeat
// the contract.
func (s *Store) inheritShared(ctx context.Context, db bun.IDB, c *caseRow) error {
	kinds, err := templateKinds(ctx, db)
	if err != nil {
		return err
	}
	for id, k := range kinds {
		if k.Scope != string(ScopeTenant) || k.Fact != "" {
			continue
		}
		var src []itemRow
		if err := db.NewSelect().Model(&src).Where("template_id = ?", id).Where("case_id <> ?", c.ID).
			Where("case_id IN (SELECT id FROM onboarding_cases WHERE tenant_id = ?)", c.TenantID).
			Where("(done = ? OR comment <> '')", true).OrderExpr("updated_at DESC, id").Limit(1).Scan(ctx); err != nil {
			return fmt.Errorf("shared item %s of %s: %w", id, c.TenantID, err)
		}
		if len(src) == 0 {
			continue
		}
		if _, err := db.NewUpdate().Model((*itemRow)(nil)).Set("done = ?", src[0].Done).Set("done_at = ?", src[0].DoneAt).
			Set("done_by = ?", src[0].DoneBy).Set("comment = ?", src[0].Comment).
			Where("id = ?", itemID(c.ID, id)).Exec(ctx); err != nil {
			return fmt.Errorf("inherit shared item %s: %w", id, err)
		}
	}
	return nil
}

// touchCase records progress on a case without changing its version, so
// that checklist work does not invalidate an open case form.
func (s *Store) touchCase(ctx context.Context, db bun.IDB, caseID string, now time.Time) error {
	_, err := db.NewUpdate().Model((*caseRow)(nil)).Set("last_progress_at = ?", now).Set("stale_reminded_at = NULL").
		Set("updated_at = ?", now).Where("id = ?", caseID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record progress on case %s: %w", caseID, err)
	}
	return nil
}

// AllowedAttachmentTypes are the content types an attachment may have,
// decided from its bytes (http.DetectContentType), never from its name.
func AllowedAttachmentTypes() []string { return []string{"application/pdf", "image/png", "image/jpeg"} }

// ErrAttachmentTooLarge answers an attachment over the size limit.
var ErrAttachmentTooLarge = errors.New("attachment too large")

// MaxAttachmentsPerItem caps the files on one checklist item.
const MaxAttachmentsPerItem = 10

// AddAttachment stores a file on a checklist item. The type is detected
// from the content: PDF, PNG or JPEG; anything else, an empty file or one
// over the size limit is refused with a field error on "file".
func (s *Store) AddAttachment(ctx context.Context, caseID, itemID, filename string, data []byte) (*Attachment, error) {
	if int64(len(data)) > s.opts.MaxAttachmentBytes {
		return nil, fmt.Errorf("%w: %w", ErrAttachmentTooLarge, fault.Field("file", "Die Datei ist größer als %s.", SizeText(s.opts.MaxAttachmentBytes)))
	}
	if len(data) == 0 {
		return nil, fault.Field("file", "Die Datei ist leer.")
	}
	ct := http.DetectContentType(data)
	if i := strings.Index(ct, ";"); i >= 0 {
		ct = ct[:i]
	}
	allowed := false
	for _, a := range AllowedAttachmentTypes() {
		allowed = allowed || ct == a
	}
	if !allowed {
		return nil, fault.Field("file", "Erlaubt sind PDF-, PNG- und JPEG-Dateien; diese Datei ist vom Typ %s.", ct)
	}
	filename = cleanFilename(filename, ct)
	var out *Attachment
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		crow, err := s.loadCaseRow(ctx, tx, caseID)
		if err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*itemRow)(nil)).Where("id = ? AND case_id = ?", itemID, caseID).Count(ctx)
		if err != nil {
			return fmt.Errorf("load checklist item %s: %w", itemID, err)
		}
		if n == 0 {
			return fmt.Errorf("checklist item %s: %w", itemID, tenant.ErrNotFound)
		}
		count, err := tx.NewSelect().Model((*attachmentRow)(nil)).Where("item_id = ?", itemID).Count(ctx)
		if err != nil {
			return fmt.Errorf("count attachments: %w", err)
		}
		if count >= MaxAttachmentsPerItem {
			return fault.Field("file", "Ein Punkt der Checkliste hat höchstens %d Anhänge.", MaxAttachmentsPerItem)
		}
		sum := sha256.Sum256(data)
		now := s.now()
		row := &attachmentRow{ID: newID(), CaseID: caseID, ItemID: itemID, Filename: filename, ContentType: ct, Size: int64(len(data)),
			SHA256: hex.EncodeToString(sum[:]), Data: data, UploadedBy: tenant.ActorFrom(ctx).Label, UploadedAt: now}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("store attachment: %w", err)
		}
		if err := s.touchCase(ctx, tx, caseID, now); err != nil {
			return err
		}
		a := row.model()
		a.Data = nil
		out = &a
		return audit(ctx, tx, crow.TenantID, "create", "onboarding-attachment", row.ID, map[string]any{
			"caseId": caseID, "itemId": itemID, "filename": filename, "contentType": ct, "size": len(data), "sha256": row.SHA256})
	})
	return out, err
}

// Attachment returns an attachment of a case with its data.
func (s *Store) Attachment(ctx context.Context, caseID, attachmentID string) (*Attachment, error) {
	var row attachmentRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ? AND case_id = ?", attachmentID, caseID).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "attachment "+attachmentID)
	}
	a := row.model()
	return &a, nil
}

// DeleteAttachment removes an attachment of a case.
func (s *Store) DeleteAttachment(ctx context.Context, caseID, attachmentID string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		crow, err := s.loadCaseRow(ctx, tx, caseID)
		if err != nil {
			return err
		}
		var row attachmentRow
		if err := tx.NewSelect().Model(&row).ExcludeColumn("data").Where("id = ? AND case_id = ?", attachmentID, caseID).Scan(ctx); err != nil {
			return fault.NotFound(err, "attachment "+attachmentID)
		}
		if _, err := tx.NewDelete().Model((*attachmentRow)(nil)).Where("id = ?", attachmentID).Exec(ctx); err != nil {
			return fmt.Errorf("delete attachment %s: %w", attachmentID, err)
		}
		if err := s.touchCase(ctx, tx, caseID, s.now()); err != nil {
			return err
		}
		return audit(ctx, tx, crow.TenantID, "delete", "onboarding-attachment", attachmentID, map[string]any{
			"caseId": caseID, "itemId": row.ItemID, "filename": row.Filename, "sha256": row.SHA256})
	})
}

// cleanFilename keeps the base name without control characters or
// separators and makes its extension fit the detected type.
func cleanFilename(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "anhang"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	ext := map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[contentType]
	lower := strings.ToLower(name)
	if !(strings.HasSuffix(lower, ext) || (ext == ".jpg" && strings.HasSuffix(lower, ".jpeg"))) {
		name += ext
	}
	return name
}

// SizeText says a size limit in German as the console and the API show it,
// in decimal-comma megabytes of 2^20 bytes: "5 MB", "1,5 MB", "512 KB". One
// wording everywhere: the form's hint and the refusal name the same limit.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d Byte", n)
}
