package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"sozialplattform/tenant/fault"
)

// AdoptSkip is a case "Anbindung übernehmen" left alone, and why.
type AdoptSkip struct {
	CaseID         string `json:"caseId"`
	Antragsstrecke string `json:"antragsstrecke"`
	Reason         string `json:"reason" doc:"warum der Fall nicht übernommen wurde"`
}

// AdoptResult says what "Anbindung übernehmen" did.
type AdoptResult struct {
	Adopted []string    `json:"adopted" doc:"IDs der Fälle, die die Anbindung übernommen haben"`
	Skipped []AdoptSkip `json:"skipped"`
}

// AdoptCandidates returns the municipality's other cases that could take
// over the connection of source: not live and, once their preparation is
// completed, only with the same variant.
func (s *Store) AdoptCandidates(ctx context.Context, source *Case) ([]Case, error) {
	all, err := s.ListCases(ctx, source.TenantID)
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, c := range all {
		if c.ID != source.ID && adoptBlocker(source, &c) == "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// adoptBlocker says why target cannot take over the connection of source,
// or "".
func adoptBlocker(source, target *Case) string {
	switch {
	case target.Live():
		return "ist bereits live; ändern Sie die Anbindung dort einzeln"
	case target.Phase(PhasePreparation).Status == Completed && target.Variant != source.Variant:
		return "die Vorbereitung ist abgeschlossen, die Variante kann nicht mehr geändert werden"
	}
	return ""
}

// AdoptConnection copies the connection of the source case – variant,
// Fachverfahren and transport data (with the destination's checked key),
// and the variant's checklist items people ticked there – to the
// municipality's other cases named by targets (all eligible ones when
// targets is empty): one Fachverfahren usually receives several
// Antragsstrecken. Cases that cannot take it over are skipped with the
// reason. Each changed case is audited like an edit, naming its source.
func (s *Store) AdoptConnection(ctx context.Context, sourceID string, targets []string) (*AdoptResult, error) {
	res := &AdoptResult{Adopted: []string{}, Skipped: []AdoptSkip{}}
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		srow, err := s.loadCaseRow(ctx, tx, sourceID)
		if err != nil {
			return err
		}
		src, err := s.caseModel(srow)
		if err != nil {
			return err
		}
		if !src.Variant.Valid() {
			return &RuleError{Reasons: []string{"Wählen Sie in diesem Fall zuerst eine Anbindungsvariante; dann können andere Fälle sie übernehmen."}}
		}
		var rows []caseRow
		q := tx.NewSelect().Model(&rows).Where("tenant_id = ?", srow.TenantID).Where("id <> ?", srow.ID).OrderExpr("id")
		if len(targets) > 0 {
			q = q.Where("id IN (?)", bun.In(targets))
		}
		if err := q.Scan(ctx); err != nil {
			return fmt.Errorf("cases taking over %s: %w", sourceID, err)
		}
		for _, id := range targets {
			if id == sourceID {
				return fault.Field("targets", "Der Fall kann seine Anbindung nicht von sich selbst übernehmen.")
			}
			if !slices.ContainsFunc(rows, func(r caseRow) bool { return r.ID == id }) {
				return fault.Field("targets", "Der Fall %s gehört nicht zu dieser Körperschaft.", id)
			}
		}
		srcItems, err := s.caseItems(ctx, tx, src)
		if err != nil {
			return err
		}
		for i := range rows {
			row := &rows[i]
			c, err := s.caseModel(row)
			if err != nil {
				return err
			}
			if why := adoptBlocker(src, c); why != "" {
				res.Skipped = append(res.Skipped, AdoptSkip{CaseID: c.ID, Antragsstrecke: c.Antragsstrecke, Reason: why})
				continue
			}
			if err := s.adoptInto(ctx, tx, src, srcItems, row, c); err != nil {
				return err
			}
			res.Adopted = append(res.Adopted, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// adoptInto copies the connection of src into the target row.
func (s *Store) adoptInto(ctx context.Context, tx bun.Tx, src *Case, srcItems []Item, row *caseRow, before *Case) error {
	t := src.Transport
	t.MailboxUsers = slices.Clone(t.MailboxUsers)
	raw, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode transport parameters: %w", err)
	}
	row.Variant = int(src.Variant)
	row.FachverfahrenID = nil
	if src.FachverfahrenID != "" {
		fv := src.FachverfahrenID
		row.FachverfahrenID = &fv
	}
	row.Transport = string(raw)
	row.KeyExpiresAt, row.KeyRemindedAt = nil, nil
	if t.Key != nil {
		exp := t.Key.NotAfter
		row.KeyExpiresAt = &exp
	}
	after, err := s.caseModel(row)
	if err != nil {
		return err
	}
	summary := diff(caseSummary(before), caseSummary(after))
	changed := len(summary["after"].(map[string]any)) > 0
	now := s.now()
	if changed {
		row.LastProgressAt, row.StaleRemindedAt = now, nil
		if err := s.saveCaseRow(ctx, tx, row); err != nil {
			return err
		}
		if before.Variant != src.Variant {
			if err := s.syncItems(ctx, tx, row); err != nil {
				return err
			}
		}
	}
	// The variant's technical items describe the connection, not the
	// Antragsstrecke: what was ticked at the source holds here too.
	var ticked []string
	for _, it := range srcItems {
		if it.Variant == VariantNone || it.Fact != "" || !it.Done || it.TemplateID == "" {
			continue
		}
		if st, _, _ := row.phase(it.Phase); *st == string(Completed) {
			continue
		}
		n, err := tx.NewUpdate().Model((*itemRow)(nil)).Set("done = ?", true).Set("done_at = ?", it.DoneAt).Set("done_by = ?", it.DoneBy).
			Set("comment = CASE WHEN comment = '' THEN ? ELSE comment END", it.Comment).Set("version = version + 1").Set("updated_at = ?", now).
			Where("id = ?", itemID(row.ID, it.TemplateID)).Where("done = ?", false).Exec(ctx)
		if err != nil {
			return fmt.Errorf("take over checklist item %s: %w", it.TemplateID, err)
		}
		if k, _ := n.RowsAffected(); k > 0 {
			ticked = append(ticked, it.Title)
		}
	}
	if !changed && len(ticked) == 0 {
		return nil
	}
	if len(ticked) > 0 {
		if err := s.touchCase(ctx, tx, row.ID, now); err != nil {
			return err
		}
	}
	summary["antragsstrecke"], summary["adoptedFrom"], summary["adoptedFromAntragsstrecke"] = row.Antragsstrecke, src.ID, src.Antragsstrecke
	if len(ticked) > 0 {
		summary["items"] = ticked
	}
	return audit(ctx, tx, row.TenantID, "adopt-connection", ObjCase, row.ID, summary)
}
