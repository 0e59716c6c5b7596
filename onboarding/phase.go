package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
)

// Phase is one of the three rollout phases of a case.
type Phase string

// The phases in order.
const (
	PhasePreparation     Phase = "preparation"
	PhaseConnectionTests Phase = "connection-tests"
	PhaseProduction      Phase = "production"
)

// Phases lists the phases in order.
func Phases() []Phase { return []Phase{PhasePreparation, PhaseConnectionTests, PhaseProduction} }

// Label is the phase's German name as in the "Umsetzungsstand" table.
func (p Phase) Label() string {
	switch p {
	case PhasePreparation:
		return "Vorbereitung technische Anbindung"
	case PhaseConnectionTests:
		return "Anbindungstests"
	case PhaseProduction:
		return "Produktivtest und Livegang"
	}
	return string(p)
}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return p.index() >= 0 }

func (p Phase) index() int {
	for i, q := range Phases() {
		if p == q {
			return i
		}
	}
	return -1
}

// Status is where a phase stands.
type Status string

// The statuses of a phase.
const (
	NotStarted Status = "not-started"
	InProgress Status = "in-progress"
	Completed  Status = "completed"
)

// Statuses lists the statuses in order.
func Statuses() []Status { return []Status{NotStarted, InProgress, Completed} }

// Valid reports whether st is a known status.
func (st Status) Valid() bool { return st == NotStarted || st == InProgress || st == Completed }

// Label is the German name: "nicht gestartet", "laufend", "abgeschlossen".
func (st Status) Label() string {
	switch st {
	case NotStarted:
		return "nicht gestartet"
	case InProgress:
		return "laufend"
	case Completed:
		return "abgeschlossen"
	}
	return string(st)
}

// PhaseState is a phase of one case with its dates.
type PhaseState struct {
	Phase       Phase      `json:"phase"`
	Label       string     `json:"label"`
	Status      Status     `json:"status"`
	StatusLabel string     `json:"statusLabel"`
	StartedAt   *time.Time `json:"startedAt,omitempty"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
}

// PhaseFacts is everything the phase rules look at. It is built from a
// case and its checklist; DecidePhase is a pure function of it.
type PhaseFacts struct {
	Status [3]Status // by phase, in order
	// OpenItems lists the titles of the checklist items not yet done, by
	// phase.
	OpenItems map[Phase][]string
	Variant   Variant
	// FachverfahrenChosen tells whether the case names its Fachverfahren.
	FachverfahrenChosen bool
	// MissingTransport lists the transport parameters the variant still
	// needs (Transport.Missing).
	MissingTransport []string
	// KeyExpired tells whether the stored encryption certificate has
	// expired since it was entered.
	KeyExpired bool
	// TestDelivery tells whether a successful test delivery is recorded.
	TestDelivery bool
	// MinistryConfirmed tells whether the ministry confirmed the go-live.
	MinistryConfirmed bool

	items []Item // the checklist the facts were read from
}

// DecidePhase says whether phase p may change to status to. It returns
// nil when allowed, otherwise the reasons in German. Setting the status a
// phase already has is allowed (nothing changes).
//
// The rules: a phase starts only after the previous one is completed; it is
// completed only when the previous one is, and all its checklist items are
// done; completing the preparation also needs a variant, the Fachverfahren
// (variants 1 and 3) and complete, valid transport parameters; going live
// (completing production) needs a successful test delivery or, until that
// evidence exists, the ministry's confirmation. A phase is reopened or
// reset only while the next one has not started.
func DecidePhase(f PhaseFacts, p Phase, to Status) []string {
	i := p.index()
	if i < 0 {
		return []string{fmt.Sprintf("Die Phase %q gibt es nicht.", p)}
	}
	if !to.Valid() {
		return []string{fmt.Sprintf("Den Stand %q gibt es nicht; möglich sind not-started, in-progress und completed.", to)}
	}
	from := f.Status[i]
	if from == to {
		return nil
	}
	var reasons []string
	prev := func(verb string) {
		if i > 0 && f.Status[i-1] != Completed {
			reasons = append(reasons, fmt.Sprintf("„%s“ kann erst %s, wenn „%s“ abgeschlossen ist.", p.Label(), verb, Phases()[i-1].Label()))
		}
	}
	next := func(verb string) {
		if i+1 < len(Phases()) && f.Status[i+1] != NotStarted {
			reasons = append(reasons, fmt.Sprintf("„%s“ kann nicht %s, solange „%s“ %s ist.", p.Label(), verb, Phases()[i+1].Label(), f.Status[i+1].Label()))
		}
	}
	switch to {
	case InProgress:
		if from == Completed {
			next("wieder geöffnet werden")
		} else {
			prev("beginnen")
		}
	case NotStarted:
		next("zurückgesetzt werden")
	case Completed:
		prev("abgeschlossen werden")
		if open := f.OpenItems[p]; len(open) > 0 {
			reasons = append(reasons, fmt.Sprintf("Es sind noch Punkte der Checkliste offen: %s.", strings.Join(quoted(open), ", ")))
		}
		switch p {
		case PhasePreparation:
			if !f.Variant.Valid() {
				reasons = append(reasons, "Bitte wählen Sie zuerst eine Anbindungsvariante.")
				break
			}
			if f.Variant != VariantOSCIClient && !f.FachverfahrenChosen {
				reasons = append(reasons, "Bitte wählen Sie das Fachverfahren, das die Anträge empfängt.")
			}
			if len(f.MissingTransport) > 0 {
				reasons = append(reasons, fmt.Sprintf("Es fehlen noch Anbindungsdaten: %s.", strings.Join(f.MissingTransport, ", ")))
			}
			if f.KeyExpired {
				reasons = append(reasons, "Das hinterlegte Zertifikat ist abgelaufen; bitte hinterlegen Sie ein gültiges.")
			}
		case PhaseProduction:
			if !f.TestDelivery && !f.MinistryConfirmed {
				reasons = append(reasons, "Der Livegang setzt eine erfolgreiche Testzustellung voraus; solange keine erfasst ist, muss das Ministerium den Livegang bestätigen.")
			}
			if f.KeyExpired {
				reasons = append(reasons, "Das hinterlegte Zertifikat ist abgelaufen; bitte hinterlegen Sie ein gültiges.")
			}
		}
	}
	return reasons
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "„" + s + "“"
	}
	return out
}

// phaseFacts gathers the facts for the rules inside tx.
func (s *Store) phaseFacts(ctx context.Context, db bun.IDB, c *Case) (PhaseFacts, error) {
	f := PhaseFacts{OpenItems: map[Phase][]string{}, Variant: c.Variant, FachverfahrenChosen: c.FachverfahrenID != "",
		MissingTransport: c.Transport.Missing(c.Variant), TestDelivery: c.TestDeliveryAt != nil, MinistryConfirmed: c.LiveConfirmedAt != nil}
	for i, ps := range c.Phases {
		f.Status[i] = ps.Status
	}
	if c.Variant == VariantFITConnect && c.Transport.Key != nil && s.now().After(c.Transport.Key.NotAfter) {
		f.KeyExpired = true
	}
	items, err := s.caseItems(ctx, db, c)
	if err != nil {
		return f, err
	}
	f.items = items
	for _, it := range items {
		if !it.Done {
			f.OpenItems[it.Phase] = append(f.OpenItems[it.Phase], it.Title)
		}
	}
	return f, nil
}

// SetPhase changes a phase of a case after DecidePhase allowed it. version
// 0 skips the optimistic check. A rule violation is a *RuleError; going
// live makes the Antragsstrecke available in the municipality's portal.
func (s *Store) SetPhase(ctx context.Context, caseID string, p Phase, to Status, version int) (*Case, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("phase %q: %w", p, tenant.ErrNotFound)
	}
	if !to.Valid() {
		return nil, fault.Field("status", "Bitte wählen Sie not-started, in-progress oder completed.")
	}
	var out *Case
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.loadCaseRow(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if version != 0 && row.Version != version {
			return ErrCaseChanged
		}
		c, err := s.caseModel(row)
		if err != nil {
			return err
		}
		facts, err := s.phaseFacts(ctx, tx, c)
		if err != nil {
			return err
		}
		if reasons := DecidePhase(facts, p, to); len(reasons) > 0 {
			return &RuleError{Reasons: reasons}
		}
		if to == Completed {
			if err := s.completePhaseFacts(ctx, tx, facts.items, p, s.now()); err != nil {
				return err
			}
		}
		from := facts.Status[p.index()]
		if from == to {
			out = c
			return nil
		}
		now := s.now()
		st, started, completed := row.phase(p)
		*st = string(to)
		switch to {
		case NotStarted:
			*started, *completed = nil, nil
		case InProgress:
			if *started == nil {
				*started = &now
			}
			*completed = nil
		case Completed:
			if *started == nil {
				*started = &now
			}
			*completed = &now
		}
		if p == PhaseProduction {
			row.LiveMonth = ""
			if to == Completed {
				row.LiveMonth = now.In(s.loc).Format("2006-01")
			}
		}
		row.LastProgressAt = now
		row.StaleRemindedAt = nil
		if err := s.saveCaseRow(ctx, tx, row); err != nil {
			return err
		}
		if out, err = s.caseModel(row); err != nil {
			return err
		}
		action := "update"
		if p == PhaseProduction && to == Completed {
			action = "go-live"
		}
		switch {
		case p == PhaseProduction && from == Completed:
			if err := s.queueMinistryNotice(ctx, tx, row, MailLiveWithdrawn); err != nil {
				return err
			}
		case p == PhaseConnectionTests && to == InProgress:
			if err := s.requestGoLiveIfDue(ctx, tx, row.ID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, row.TenantID, action, ObjCase, row.ID, map[string]any{
			"antragsstrecke": row.Antragsstrecke, "phase": string(p),
			"before": map[string]any{"status": string(from)}, "after": map[string]any{"status": string(to)},
		})
	})
	return out, err
}
