package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/mail"
)

// Stage summarises where a case stands, for counts and colours.
type Stage string

// The stages of a case, from ordered to live.
const (
	StageOrdered     Stage = "ordered"     // bestellt, nichts begonnen
	StagePreparation Stage = "preparation" // Vorbereitung läuft oder ist abgeschlossen
	StageTests       Stage = "tests"       // Anbindungstests laufen oder sind abgeschlossen
	StageProduction  Stage = "production"  // Produktivtest läuft
	StageLive        Stage = "live"        // live im Portal
)

// Label is the German name of a stage.
func (s Stage) Label() string {
	switch s {
	case StageOrdered:
		return "bestellt"
	case StagePreparation:
		return "in Vorbereitung"
	case StageTests:
		return "in Anbindungstests"
	case StageProduction:
		return "im Produktivtest"
	case StageLive:
		return "live"
	}
	return string(s)
}

// stageOf derives the stage from the three phase statuses.
func stageOf(prep, tests, prod Status) Stage {
	switch {
	case prod == Completed:
		return StageLive
	case prod == InProgress:
		return StageProduction
	case tests != NotStarted:
		return StageTests
	case prep != NotStarted:
		return StagePreparation
	}
	return StageOrdered
}

// Case is the onboarding of one Antragsstrecke by one municipality.
type Case struct {
	ID                  string       `json:"id"`
	TenantID            string       `json:"tenantId"`
	Antragsstrecke      string       `json:"antragsstrecke" doc:"Schlüssel der Antragsstrecke, z. B. hzl"`
	AntragsstreckeLabel string       `json:"antragsstreckeLabel"`
	OZGID               string       `json:"ozgId"`
	OrderID             string       `json:"orderId,omitempty" doc:"Bestellung auf dem Marktplatz"`
	OrderedAt           time.Time    `json:"orderedAt"`
	Variant             Variant      `json:"variant" doc:"Anbindungsvariante 1–3, 0 = noch nicht gewählt"`
	FachverfahrenID     string       `json:"fachverfahrenId,omitempty"`
	Transport           Transport    `json:"transport"`
	PlannedLiveOn       *time.Time   `json:"plannedLiveOn,omitempty" doc:"geplanter Livegang (Datum)"`
	Phases              []PhaseState `json:"phases"`
	Stage               Stage        `json:"stage"`
	LiveAt              *time.Time   `json:"liveAt,omitempty"`
	TestDeliveryAt      *time.Time   `json:"testDeliveryAt,omitempty" doc:"erfolgreiche Testzustellung"`
	TestDeliveryRef     string       `json:"testDeliveryRef,omitempty"`
	LiveConfirmedAt     *time.Time   `json:"liveConfirmedAt,omitempty" doc:"Bestätigung des Livegangs durch das Ministerium"`
	LiveConfirmedBy     string       `json:"liveConfirmedBy,omitempty"`
	// LastTest is the newest connection test, whatever its outcome.
	LastTest       *TestResult `json:"lastTest,omitempty" doc:"letzter Anbindungstest mit Ergebnis, auch ein gescheiterter"`
	LastProgressAt time.Time   `json:"lastProgressAt"`
	Version        int         `json:"version"`
	CreatedAt      time.Time   `json:"createdAt"`
	UpdatedAt      time.Time   `json:"updatedAt"`
}

// Phase returns the state of one phase.
func (c *Case) Phase(p Phase) PhaseState {
	if i := p.index(); i >= 0 && i < len(c.Phases) {
		return c.Phases[i]
	}
	return PhaseState{Phase: p, Label: p.Label(), Status: NotStarted, StatusLabel: NotStarted.Label()}
}

// Live reports whether the Antragsstrecke is live for the municipality.
func (c *Case) Live() bool { return c.Stage == StageLive }

// CurrentPhase is the phase a case works in: the first one not completed,
// or the last one once the case is live.
func (c *Case) CurrentPhase() Phase {
	for _, p := range c.Phases {
		if p.Status != Completed {
			return p.Phase
		}
	}
	return PhaseProduction
}

type caseRow struct {
	bun.BaseModel          `bun:"table:onboarding_cases"`
	ID                     string     `bun:"id,pk"`
	TenantID               string     `bun:"tenant_id"`
	Antragsstrecke         string     `bun:"antragsstrecke"`
	OrderID                string     `bun:"order_id"`
	OrderedAt              time.Time  `bun:"ordered_at"`
	Variant                int        `bun:"variant"`
	FachverfahrenID        *string    `bun:"fachverfahren_id"`
	Transport              string     `bun:"transport"`
	KeyExpiresAt           *time.Time `bun:"key_expires_at"`
	PlannedLiveOn          *time.Time `bun:"planned_live_on"`
	PreparationStatus      string     `bun:"preparation_status"`
	PreparationStartedAt   *time.Time `bun:"preparation_started_at"`
	PreparationCompletedAt *time.Time `bun:"preparation_completed_at"`
	TestsStatus            string     `bun:"tests_status"`
	TestsStartedAt         *time.Time `bun:"tests_started_at"`
	TestsCompletedAt       *time.Time `bun:"tests_completed_at"`
	ProductionStatus       string     `bun:"production_status"`
	ProductionStartedAt    *time.Time `bun:"production_started_at"`
	ProductionCompletedAt  *time.Time `bun:"production_completed_at"`
	LiveMonth              string     `bun:"live_month"`
	TestDeliveryAt         *time.Time `bun:"test_delivery_at"`
	TestDeliveryRef        string     `bun:"test_delivery_ref"`
	LiveConfirmedAt        *time.Time `bun:"live_confirmed_at"`
	LiveConfirmedBy        string     `bun:"live_confirmed_by"`
	GoLiveRequestedAt      *time.Time `bun:"golive_requested_at"`
	LastTestID             string     `bun:"last_test_id"`
	LastTestAt             *time.Time `bun:"last_test_at"`
	LastTestStatus         string     `bun:"last_test_status"`
	LastTestOK             bool       `bun:"last_test_ok"`
	LastTestDetail         string     `bun:"last_test_detail"`
	LastProgressAt         time.Time  `bun:"last_progress_at"`
	StaleRemindedAt        *time.Time `bun:"stale_reminded_at"`
	KeyRemindedAt          *time.Time `bun:"key_reminded_at"`
	Version                int        `bun:"version"`
	CreatedAt              time.Time  `bun:"created_at"`
	UpdatedAt              time.Time  `bun:"updated_at"`
}

// phase returns pointers to a phase's columns.
func (r *caseRow) phase(p Phase) (status *string, started, completed **time.Time) {
	switch p {
	case PhasePreparation:
		return &r.PreparationStatus, &r.PreparationStartedAt, &r.PreparationCompletedAt
	case PhaseConnectionTests:
		return &r.TestsStatus, &r.TestsStartedAt, &r.TestsCompletedAt
	default:
		return &r.ProductionStatus, &r.ProductionStartedAt, &r.ProductionCompletedAt
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// caseModel turns a row into a Case (without the catalogue labels).
func (s *Store) caseModel(r *caseRow) (*Case, error) {
	c := &Case{ID: r.ID, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke, OrderID: r.OrderID, OrderedAt: r.OrderedAt.UTC(),
		Variant: Variant(r.Variant), PlannedLiveOn: utcPtr(r.PlannedLiveOn), TestDeliveryAt: utcPtr(r.TestDeliveryAt),
		TestDeliveryRef: r.TestDeliveryRef, LiveConfirmedAt: utcPtr(r.LiveConfirmedAt), LiveConfirmedBy: r.LiveConfirmedBy,
		LastProgressAt: r.LastProgressAt.UTC(), Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.FachverfahrenID != nil {
		c.FachverfahrenID = *r.FachverfahrenID
	}
	if r.LastTestID != "" && r.LastTestAt != nil {
		c.LastTest = &TestResult{DeliveryID: r.LastTestID, At: r.LastTestAt.UTC(), Status: r.LastTestStatus, OK: r.LastTestOK, Detail: r.LastTestDetail}
	}
	if r.Transport != "" {
		if err := json.Unmarshal([]byte(r.Transport), &c.Transport); err != nil {
			return nil, fmt.Errorf("case %s: transport parameters: %w", r.ID, err)
		}
	}
	for _, p := range Phases() {
		st, started, completed := r.phase(p)
		c.Phases = append(c.Phases, PhaseState{Phase: p, Label: p.Label(), Status: Status(*st), StatusLabel: Status(*st).Label(),
			StartedAt: utcPtr(*started), CompletedAt: utcPtr(*completed)})
	}
	c.Stage = stageOf(Status(r.PreparationStatus), Status(r.TestsStatus), Status(r.ProductionStatus))
	if c.Stage == StageLive {
		c.LiveAt = utcPtr(r.ProductionCompletedAt)
	}
	return c, nil
}

// label fills the catalogue fields of cases.
func (s *Store) label(ctx context.Context, cs ...*Case) error {
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if a, ok := idx[c.Antragsstrecke]; ok {
			c.AntragsstreckeLabel, c.OZGID = a.Label, a.OZGID
		}
	}
	return nil
}

func (s *Store) loadCaseRow(ctx context.Context, db bun.IDB, id string) (*caseRow, error) {
	var row caseRow
	if err := db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "onboarding case "+id)
	}
	return &row, nil
}

// saveCaseRow writes a changed row with the next version; a concurrent
// change gives ErrCaseChanged.
func (s *Store) saveCaseRow(ctx context.Context, db bun.IDB, row *caseRow) error {
	old := row.Version
	row.Version = old + 1
	row.UpdatedAt = s.now()
	res, err := db.NewUpdate().Model(row).WherePK().Where("version = ?", old).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update onboarding case %s: %w", row.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrCaseChanged
	}
	return nil
}

// GetCase returns a case by ID, whatever its tenant: callers check that
// the tenant is the caller's.
func (s *Store) GetCase(ctx context.Context, id string) (*Case, error) {
	row, err := s.loadCaseRow(ctx, s.db.Read, id)
	if err != nil {
		return nil, err
	}
	c, err := s.caseModel(row)
	if err != nil {
		return nil, err
	}
	return c, s.label(ctx, c)
}

// ListCases returns a tenant's cases in catalogue order.
func (s *Store) ListCases(ctx context.Context, tenantID string) ([]Case, error) {
	var rows []caseRow
	err := s.db.Read.NewSelect().Model(&rows).
		Join("JOIN onboarding_antragsstrecken AS a ON a.key = case_row.antragsstrecke").
		Where("case_row.tenant_id = ?", tenantID).OrderExpr("a.position, case_row.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list onboarding cases: %w", err)
	}
	out := make([]Case, 0, len(rows))
	ptrs := make([]*Case, 0, len(rows))
	for i := range rows {
		c, err := s.caseModel(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	for i := range out {
		ptrs = append(ptrs, &out[i])
	}
	return out, s.label(ctx, ptrs...)
}

// LiveAntragsstrecken returns the keys of the tenant's Antragsstrecken
// that are live (production completed), in catalogue order: the portal
// offers exactly these.
func (s *Store) LiveAntragsstrecken(ctx context.Context, tenantID string) ([]string, error) {
	var keys []string
	err := s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").ColumnExpr("c.antragsstrecke").
		Join("JOIN onboarding_antragsstrecken AS a ON a.key = c.antragsstrecke").
		Where("c.tenant_id = ? AND c.production_status = ?", tenantID, string(Completed)).
		OrderExpr("a.position").Scan(ctx, &keys)
	if err != nil {
		return nil, fmt.Errorf("live Antragsstrecken of %s: %w", tenantID, err)
	}
	if keys == nil {
		keys = []string{}
	}
	return keys, nil
}

// OpenCases opens one case per Antragsstrecke of an order for the tenant,
// inside the caller's transaction db (the marketplace's order). An
// Antragsstrecke that already has a case for the tenant is skipped, so a
// repeated order changes nothing. Each new case gets the checklist items
// that apply to every variant, is audited, and the municipality's function
// mailbox gets one mail naming the new cases.
func (s *Store) OpenCases(ctx context.Context, db bun.IDB, tenantID, orderID string, antragsstrecken []string, orderedAt time.Time) error {
	return s.openCases(ctx, db, tenantID, orderID, antragsstrecken, orderedAt, true)
}

// RecordCases opens cases as OpenCases does, but sends no mail: for orders
// recorded as history (the demo's order of February 2025 whose services
// have long been live), whose municipality must not be told today that
// its Anbindung starts.
func (s *Store) RecordCases(ctx context.Context, db bun.IDB, tenantID, orderID string, antragsstrecken []string, orderedAt time.Time) error {
	return s.openCases(ctx, db, tenantID, orderID, antragsstrecken, orderedAt, false)
}

func (s *Store) openCases(ctx context.Context, db bun.IDB, tenantID, orderID string, antragsstrecken []string, orderedAt time.Time, notify bool) error {
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return err
	}
	keys := slices.Clone(antragsstrecken)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, k := range keys {
		if _, ok := idx[k]; !ok {
			return fmt.Errorf("open onboarding cases: unknown Antragsstrecke %q", k)
		}
	}
	if orderedAt.IsZero() {
		orderedAt = s.now()
	}
	now := s.now()
	var opened []string
	for _, k := range keys {
		row := &caseRow{ID: newID(), TenantID: tenantID, Antragsstrecke: k, OrderID: orderID, OrderedAt: orderedAt.UTC(),
			Transport: "{}", PreparationStatus: string(NotStarted), TestsStatus: string(NotStarted), ProductionStatus: string(NotStarted),
			LastProgressAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
		res, err := db.NewInsert().Model(row).On("CONFLICT (tenant_id, antragsstrecke) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("open onboarding case %s: %w", k, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue
		}
		if err := s.syncItems(ctx, db, row); err != nil {
			return err
		}
		if err := s.inheritShared(ctx, db, row); err != nil {
			return err
		}
		if err := audit(ctx, db, tenantID, "create", ObjCase, row.ID, map[string]any{
			"antragsstrecke": k, "orderId": orderID, "orderedAt": orderedAt.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
		opened = append(opened, idx[k].Label)
	}
	if len(opened) == 0 || s.mailer == nil || !notify {
		return nil
	}
	t, err := tenantByID(ctx, db, tenantID)
	if err != nil {
		return err
	}
	if t.FunctionMailbox == "" {
		return nil
	}
	next, err := s.nextConsultation(ctx, db, now)
	if err != nil {
		return err
	}
	return s.mailer.Enqueue(ctx, db, mail.Message{TenantID: tenantID, To: t.FunctionMailbox, Template: MailCasesOpened,
		Data: CasesOpenedMail{TenantName: t.Name, Antragsstrecken: opened, Link: s.opts.Links.Cases.To(tenantID),
			NextConsultation: next}})
}

// tenantInfo is what onboarding reads of a tenant.
type tenantInfo struct {
	ID, Name, FunctionMailbox, Kind string
	ParentID                        *string
	OfficialKey                     *string
}

func tenantByID(ctx context.Context, db bun.IDB, id string) (*tenantInfo, error) {
	var t tenantInfo
	err := db.NewSelect().Table("tenants").Column("id", "name", "function_mailbox", "kind", "parent_id", "official_key").
		Where("id = ?", id).Scan(ctx, &t.ID, &t.Name, &t.FunctionMailbox, &t.Kind, &t.ParentID, &t.OfficialKey)
	if err != nil {
		return nil, fault.NotFound(err, "tenant "+id)
	}
	return &t, nil
}

// CasePatch holds the fields a municipality changes on a case; nil means
// unchanged.
type CasePatch struct {
	Variant         *Variant
	FachverfahrenID *string // "" clears
	Transport       *Transport
	PlannedLiveOn   *time.Time // zero time clears
}

// UpdateCase applies a patch to a case. version must match the stored
// version (ErrCaseChanged otherwise); 0 skips the check. Transport
// parameters are checked field by field (tenant.FieldErrors); mailbox
// users must be members of the tenant. The variant cannot change once the
// preparation is completed.
func (s *Store) UpdateCase(ctx context.Context, id string, version int, p CasePatch) (*Case, error) {
	var out *Case
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.loadCaseRow(ctx, tx, id)
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
		before := caseSummary(c)
		var errs tenant.FieldErrors
		if p.Variant != nil && *p.Variant != c.Variant {
			switch {
			case !p.Variant.Valid():
				errs.Add("variant", "Bitte wählen Sie Variante 1, 2 oder 3.")
			case row.PreparationStatus == string(Completed):
				errs.Add("variant", "Die Anbindungsvariante kann nach Abschluss der Vorbereitung nicht mehr geändert werden. Setzen Sie dazu zuerst die Vorbereitung zurück.")
			default:
				row.Variant = int(*p.Variant)
			}
		}
		if p.FachverfahrenID != nil {
			if *p.FachverfahrenID == "" {
				row.FachverfahrenID = nil
			} else if _, err := s.getFachverfahren(ctx, tx, *p.FachverfahrenID); err != nil {
				errs.Add("fachverfahrenId", "Dieses Fachverfahren steht nicht in der Übersicht.")
			} else {
				fv := *p.FachverfahrenID
				row.FachverfahrenID = &fv
			}
		}
		if p.Transport != nil {
			t := *p.Transport
			fe := t.Validate(s.now())
			errs = append(errs, fe...)
			if len(fe) == 0 && len(t.MailboxUsers) > 0 {
				if err := s.checkMailboxUsers(ctx, tx, row.TenantID, t.MailboxUsers, &errs); err != nil {
					return err
				}
			}
			// The destination's key stays recorded only while the case
			// names the same destination; it is never taken from a request.
			var prev Transport
			_ = json.Unmarshal([]byte(row.Transport), &prev)
			t.Key = nil
			if prev.Key != nil && prev.DestinationID == t.DestinationID {
				t.Key = prev.Key
			}
			raw, err := json.Marshal(t)
			if err != nil {
				return fmt.Errorf("encode transport parameters: %w", err)
			}
			row.Transport = string(raw)
			if t.Key == nil {
				row.KeyExpiresAt, row.KeyRemindedAt = nil, nil
			}
		}
		if p.PlannedLiveOn != nil {
			if p.PlannedLiveOn.IsZero() {
				row.PlannedLiveOn = nil
			} else {
				d := s.dateOnly(*p.PlannedLiveOn)
				row.PlannedLiveOn = &d
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		after, err := s.caseModel(row)
		if err != nil {
			return err
		}
		summary := diff(before, caseSummary(after))
		if len(summary["after"].(map[string]any)) == 0 {
			out = c
			return nil
		}
		row.LastProgressAt = s.now()
		row.StaleRemindedAt = nil
		if err := s.saveCaseRow(ctx, tx, row); err != nil {
			return err
		}
		if row.Variant != c.Variant.int() {
			if err := s.syncItems(ctx, tx, row); err != nil {
				return err
			}
		}
		if out, err = s.caseModel(row); err != nil {
			return err
		}
		summary["antragsstrecke"] = row.Antragsstrecke
		return audit(ctx, tx, row.TenantID, "update", ObjCase, row.ID, summary)
	})
	if err != nil {
		return nil, err
	}
	return out, s.label(ctx, out)
}

func (v Variant) int() int { return int(v) }

// checkMailboxUsers requires every mailbox user to be an active member of
// the tenant.
func (s *Store) checkMailboxUsers(ctx context.Context, db bun.IDB, tenantID string, emails []string, errs *tenant.FieldErrors) error {
	var found []string
	err := db.NewSelect().TableExpr("memberships AS m").ColumnExpr("LOWER(u.email)").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.tenant_id = ? AND u.active = ?", tenantID, true).
		Where("LOWER(u.email) IN (?)", bun.In(emails)).Scan(ctx, &found)
	if err != nil {
		return fmt.Errorf("check mailbox users: %w", err)
	}
	for i, e := range emails {
		if !slices.Contains(found, strings.ToLower(e)) {
			errs.Add(fmt.Sprintf("transport.mailboxUsers[%d]", i), "%s ist kein aktives Mitglied dieser Körperschaft. Laden Sie die Person zuerst ein.", e)
		}
	}
	return nil
}

// caseSummary is what the audit log keeps of a case's editable fields and
// the thumbprint of the destination's key.
func caseSummary(c *Case) map[string]any {
	t := c.Transport
	out := map[string]any{"variant": int(c.Variant), "fachverfahrenId": c.FachverfahrenID,
		"dvdvKennung":   t.DVDVKennung,
		"destinationId": t.DestinationID, "mailboxUsers": strings.Join(t.MailboxUsers, ", "), "keyThumbprint": "", "plannedLiveOn": ""}
	if t.Key != nil {
		out["keyThumbprint"] = t.Key.Thumbprint
	}
	if c.PlannedLiveOn != nil {
		out["plannedLiveOn"] = c.PlannedLiveOn.Format("2006-01-02")
	}
	return out
}

// RecordTestDelivery records a successful test delivery of a case, the
// evidence that going live needs. The delivery component calls it inside
// its own transaction db.
func (s *Store) RecordTestDelivery(ctx context.Context, db bun.IDB, caseID string, at time.Time, ref string) error {
	row, err := s.loadCaseRow(ctx, db, caseID)
	if err != nil {
		return err
	}
	at = clock.Stamp(at)
	row.TestDeliveryAt = &at
	row.TestDeliveryRef = ref
	row.LastProgressAt = s.now()
	if err := s.saveCaseRow(ctx, db, row); err != nil {
		return err
	}
	return audit(ctx, db, row.TenantID, "test-delivery", ObjCase, row.ID, map[string]any{
		"antragsstrecke": row.Antragsstrecke, "at": at.Format(time.RFC3339), "ref": ref})
}

// RecordDestinationKey records the encryption key the delivery fetched
// from the case's FIT-Connect destination and validated, inside the
// delivery's transaction db: the case page shows it, the expiry reminder
// and the go-live rule watch its certificate. An unchanged key (same
// thumbprint) only refreshes the time it was fetched, without touching the
// case's version; a new one resets the reminder.
func (s *Store) RecordDestinationKey(ctx context.Context, db bun.IDB, caseID string, k KeyInfo) error {
	row, err := s.loadCaseRow(ctx, db, caseID)
	if err != nil {
		return err
	}
	var t Transport
	if row.Transport != "" {
		if err := json.Unmarshal([]byte(row.Transport), &t); err != nil {
			return fmt.Errorf("transport parameters of %s: %w", caseID, err)
		}
	}
	changed := t.Key == nil || t.Key.Thumbprint != k.Thumbprint
	k.NotBefore, k.NotAfter, k.FetchedAt = k.NotBefore.UTC(), k.NotAfter.UTC(), clock.Stamp(k.FetchedAt)
	t.Key = &k
	raw, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("encode transport parameters: %w", err)
	}
	q := db.NewUpdate().Table("onboarding_cases").Set("transport = ?", string(raw)).Where("id = ?", caseID)
	if changed {
		exp := k.NotAfter
		q = q.Set("key_expires_at = ?", exp).Set("key_reminded_at = NULL")
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("record destination key of %s: %w", caseID, err)
	}
	if !changed {
		return nil
	}
	return audit(ctx, db, row.TenantID, "destination-key", ObjCase, row.ID, map[string]any{
		"kid": k.Kid, "thumbprint": k.Thumbprint, "notAfter": k.NotAfter.Format(time.DateOnly)})
}
