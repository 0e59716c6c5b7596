package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// KeyWarnDays is how long before expiry a certificate is flagged.
const KeyWarnDays = 30

// Step is one entry of a case's task list ("Was ist als Nächstes zu
// tun?").
type Step struct {
	Kind   string `json:"kind" enum:"todo,warning,waiting,done" doc:"todo: die Kommune ist dran; warning: Hinweis; waiting: jemand anderes ist dran; done: erledigt"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	// Anchor names the part of the case page where the step is done:
	// variante, fachverfahren, anbindungsdaten, checkliste, phasen.
	Anchor string `json:"anchor,omitempty"`
	// Path is a console page of its own where the step is done, when it
	// is not on the case page (the connection test).
	Path string `json:"path,omitempty" doc:"Seite der Konsole, auf der der Schritt erledigt wird"`
}

// CaseDetail is a case with everything its page shows.
type CaseDetail struct {
	Case
	Items         []Item         `json:"checklist"`
	Fachverfahren *Fachverfahren `json:"fachverfahren,omitempty"`
	Warnings      []Warning      `json:"warnings" doc:"Kompatibilität von Fachverfahren und Variante"`
	Steps         []Step         `json:"nextSteps" doc:"Was ist als Nächstes zu tun?"`
	// SharedDestination names the other municipalities whose cases name
	// the same FIT-Connect destination: usually a copied DestinationID.
	SharedDestination []string `json:"sharedDestination,omitempty" doc:"andere Kommunen, deren Fälle denselben FIT-Connect-Zustellpunkt nennen"`
}

// Detail returns a case with its checklist, Fachverfahren, compatibility
// warnings and next steps.
func (s *Store) Detail(ctx context.Context, caseID string) (*CaseDetail, error) {
	c, err := s.GetCase(ctx, caseID)
	if err != nil {
		return nil, err
	}
	d := &CaseDetail{Case: *c, Warnings: []Warning{}}
	if d.Items, err = s.caseItems(ctx, s.db.Read, c); err != nil {
		return nil, err
	}
	if c.FachverfahrenID != "" {
		if d.Fachverfahren, err = s.GetFachverfahren(ctx, c.FachverfahrenID); err != nil {
			return nil, err
		}
		if w := Compatibility(d.Fachverfahren, c.Variant); w != nil {
			d.Warnings = MarkOutdated(w, d.Fachverfahren, s.now(), s.loc)
		}
	}
	d.Steps = NextSteps(c, d.Items, d.Fachverfahren, s.now())
	if c.Variant == VariantFITConnect && c.Transport.DestinationID != "" {
		if d.SharedDestination, err = s.DestinationUsedBy(ctx, c.Transport.DestinationID, c.TenantID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// DestinationUsedBy returns the names of the municipalities other than
// exceptTenant whose FIT-Connect cases name the destination. Applications
// of one municipality must never reach another's Fachverfahren, so a
// shared DestinationID is worth a warning (the demo's destination is
// shared on purpose).
func (s *Store) DestinationUsedBy(ctx context.Context, destinationID, exceptTenant string) ([]string, error) {
	var rows []struct {
		Name      string `bun:"name"`
		Transport string `bun:"transport"`
	}
	if err := s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").Join("JOIN tenants AS t ON t.id = c.tenant_id").
		ColumnExpr("t.name, c.transport").Where("c.variant = ?", int(VariantFITConnect)).Where("c.tenant_id <> ?", exceptTenant).
		Where("c.transport LIKE ?", "%"+destinationID+"%").OrderExpr("t.name").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("cases naming destination %s: %w", destinationID, err)
	}
	var out []string
	for _, r := range rows {
		var t Transport
		if json.Unmarshal([]byte(r.Transport), &t) == nil && t.DestinationID == destinationID && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out, nil
}

// NextSteps derives a case's task list: what the municipality does next,
// what it waits for, and what it should keep an eye on. It is a pure
// function of the case, its checklist items and its Fachverfahren.
func NextSteps(c *Case, items []Item, fv *Fachverfahren, now time.Time) []Step {
	var steps []Step
	keyStep := func() {
		k := c.Transport.Key
		if c.Variant != VariantFITConnect || k == nil {
			return
		}
		switch {
		case now.After(k.NotAfter):
			steps = append(steps, Step{Kind: "todo", Title: "Zertifikat erneuern",
				Detail: fmt.Sprintf("Das Zertifikat des Zustellpunkts ist am %s abgelaufen; Anträge können nicht mehr verschlüsselt zugestellt werden.", k.NotAfter.Format("02.01.2006")), Anchor: "anbindungsdaten"})
		case k.NotAfter.Sub(now) < KeyWarnDays*24*time.Hour:
			steps = append(steps, Step{Kind: "warning", Title: "Zertifikat läuft bald ab",
				Detail: fmt.Sprintf("Das Zertifikat des Zustellpunkts gilt nur noch bis %s. Bitte erneuern Sie es rechtzeitig im Self-Service-Portal von FIT-Connect.", k.NotAfter.Format("02.01.2006")), Anchor: "anbindungsdaten"})
		}
	}
	if c.Live() {
		detail := "Die Antragsstrecke steht im Portal Ihrer Kommune zur Verfügung."
		if c.LiveAt != nil {
			detail = fmt.Sprintf("Seit %s steht die Antragsstrecke im Portal Ihrer Kommune zur Verfügung.", c.LiveAt.Format("02.01.2006"))
		}
		steps = append(steps, Step{Kind: "done", Title: "Live", Detail: detail, Anchor: "phasen"})
		keyStep()
		return steps
	}
	if !c.Variant.Valid() {
		steps = append(steps, Step{Kind: "todo", Title: "Anbindungsvariante wählen",
			Detail: "Entscheiden Sie, wie die Anträge zu Ihnen kommen: direkt ins Fachverfahren (OSCI/XTA2 oder FIT-Connect) oder über das Postfach in der Konsole (OSCI-Client).", Anchor: "variante"})
	}
	if c.FachverfahrenID == "" && c.Variant != VariantOSCIClient {
		steps = append(steps, Step{Kind: "todo", Title: "Fachverfahren angeben",
			Detail: "Wählen Sie das Fachverfahren, das die Anträge empfangen soll; die Übersicht zeigt, welche Schnittstellen es schon unterstützt.", Anchor: "fachverfahren"})
	}
	for _, w := range MarkOutdated(Compatibility(fv, c.Variant), fv, now, berlinLoc()) {
		steps = append(steps, Step{Kind: "warning", Title: w.Message, Detail: w.Hint, Anchor: "fachverfahren"})
	}
	if c.Variant.Valid() {
		if missing := c.Transport.Missing(c.Variant); len(missing) > 0 {
			steps = append(steps, Step{Kind: "todo", Title: "Anbindungsdaten eintragen", Detail: "Es fehlen: " + strings.Join(missing, ", ") + ".", Anchor: "anbindungsdaten"})
		}
	}
	keyStep()
	open := map[Phase][]string{}
	for _, it := range items {
		if !it.Done {
			open[it.Phase] = append(open[it.Phase], it.Title)
		}
	}
	for _, p := range Phases() {
		ps := c.Phase(p)
		if ps.Status == Completed {
			continue
		}
		if ps.Status == NotStarted {
			steps = append(steps, Step{Kind: "todo", Title: "„" + p.Label() + "“ beginnen",
				Detail: "Setzen Sie die Phase auf „laufend“, sobald Sie damit anfangen.", Anchor: "phasen"})
		}
		if titles := open[p]; len(titles) > 0 {
			shown := titles
			if len(shown) > 3 {
				shown = shown[:3]
			}
			detail := strings.Join(quoted(shown), ", ")
			if len(titles) > 3 {
				detail += fmt.Sprintf(" und %d weitere", len(titles)-3)
			}
			steps = append(steps, Step{Kind: "todo", Title: fmt.Sprintf("Checkliste „%s“: %d offen", p.Label(), len(titles)), Detail: detail + ".", Anchor: "checkliste"})
		}
		if p == PhaseConnectionTests && c.Variant.Valid() && !c.EvidenceOK() && c.LiveConfirmedAt == nil {
			detail := "Die Plattform schickt einen Testantrag auf dem eingerichteten Weg; das Ergebnis steht beim Anbindungstest und hier im Fall."
			if t := c.LastTest; t != nil && !t.OK {
				detail = fmt.Sprintf("Der letzte Testantrag vom %s ist nicht angekommen", t.At.In(berlinLoc()).Format("02.01.2006 15:04"))
				if t.Detail != "" {
					detail += ": " + t.Detail
				}
				detail += ". Beheben Sie den Fehler und senden Sie erneut."
			}
			steps = append(steps, Step{Kind: "todo", Title: "Testantrag senden", Detail: detail, Anchor: "anbindungstest", Path: "/admin/anbindungstest/" + c.ID})
		}
		if p == PhaseProduction && c.TestDeliveryAt == nil && c.LiveConfirmedAt == nil {
			steps = append(steps, Step{Kind: "waiting", Title: "Freigabe des Livegangs",
				Detail: "Für den Livegang wird eine erfolgreiche Testzustellung erfasst; bis dahin bestätigt das Ministerium den Livegang.", Anchor: "phasen"})
		}
		if len(open[p]) == 0 && ps.Status == InProgress {
			steps = append(steps, Step{Kind: "todo", Title: "„" + p.Label() + "“ abschließen", Anchor: "phasen"})
		}
		break
	}
	return steps
}

// berlinLoc is German local time for the texts of the task list.
var berlinLoc = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC
	}
	return loc
})
