package onboarding

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Counts are the numbers of cases by how far they are.
type Counts struct {
	Ordered     int `json:"ordered" doc:"bestellt (alle Fälle)"`
	Preparation int `json:"preparation" doc:"bestellt oder in Vorbereitung"`
	InTests     int `json:"inTests" doc:"in Anbindungstests oder im Produktivtest"`
	Live        int `json:"live"`
}

func (c *Counts) add(st Stage, n int) {
	c.Ordered += n
	switch st {
	case StageOrdered, StagePreparation:
		c.Preparation += n
	case StageTests, StageProduction:
		c.InTests += n
	case StageLive:
		c.Live += n
	}
}

// Furthest is the most advanced stage among the counted cases.
func (c Counts) Furthest() Stage {
	switch {
	case c.Live > 0:
		return StageLive
	case c.InTests > 0:
		return StageTests
	case c.Ordered > 0:
		return StagePreparation
	}
	return ""
}

// PhaseAggregate is one phase of a matrix row over all municipalities.
// Status is the furthest any municipality got (completed before in
// progress before not started); the counts say how many stand where.
type PhaseAggregate struct {
	Phase       Phase  `json:"phase"`
	Label       string `json:"label"`
	Status      Status `json:"status"`
	StatusLabel string `json:"statusLabel"`
	NotStarted  int    `json:"notStarted"`
	InProgress  int    `json:"inProgress"`
	Completed   int    `json:"completed"`
}

// MatrixRow is one line of the "Umsetzungsstand" table: an Antragsstrecke,
// or an Onlinedienst the platform runs no Antragsstrecke of.
type MatrixRow struct {
	OZGID          string           `json:"ozgId"`
	Onlinedienst   string           `json:"onlinedienst"`
	Key            string           `json:"antragsstrecke,omitempty" doc:"Schlüssel; leer bei externen Onlinediensten"`
	Label          string           `json:"antragsstreckeLabel"`
	LegalBasis     string           `json:"rechtskreis"`
	External       bool             `json:"external"`
	ExternalNote   string           `json:"externalNote,omitempty"`
	FirstOfService bool             `json:"firstOfService" doc:"erste Zeile ihres Onlinedienstes (für die Darstellung)"`
	Phases         []PhaseAggregate `json:"phases"`
	Counts         Counts           `json:"counts"`
}

// DistrictTile is a Landkreis or kreisfreie Stadt (with the Gemeinden
// below it) for the map of progress.
type DistrictTile struct {
	TenantID    string `json:"tenantId"`
	Name        string `json:"name"`
	OfficialKey string `json:"officialKey"`
	Counts      Counts `json:"counts"`
	Stage       Stage  `json:"stage,omitempty" doc:"weitester Stand; leer ohne Bestellung"`
}

// MonthCount is the number of go-lives in a month.
type MonthCount struct {
	Month      string `json:"month" doc:"JJJJ-MM"`
	Label      string `json:"label" doc:"z. B. Mai 2025"`
	Count      int    `json:"count"`
	Cumulative int    `json:"cumulative"`
}

// Rollout is the ministry's report: the matrix, the totals, the districts
// and the go-lives over time.
type Rollout struct {
	Rows        []MatrixRow    `json:"rows"`
	Totals      Counts         `json:"totals"`
	Tenants     int            `json:"tenants" doc:"Körperschaften mit mindestens einem Fall"`
	Districts   []DistrictTile `json:"districts"`
	GoLives     []MonthCount   `json:"goLives"`
	GeneratedAt time.Time      `json:"generatedAt"`
}

// RolloutFilter narrows the report.
type RolloutFilter struct {
	// TenantIDs are the tenants the caller may see; nil means all.
	TenantIDs []string
	// TenantID limits the report to one tenant and the tenants below it.
	TenantID string
	// OZGID limits the matrix to one Onlinedienst.
	OZGID string
	// Antragsstrecke limits to one Antragsstrecke.
	Antragsstrecke string
	// LegalBasis keeps rows whose Rechtskreis contains it ("SGB II").
	LegalBasis string
	// OnlyOrdered drops rows nobody ordered.
	OnlyOrdered bool
}

// tenantNode is a tenant as the report needs it.
type tenantNode struct {
	ID          string  `bun:"id"`
	ParentID    *string `bun:"parent_id"`
	Kind        string  `bun:"kind"`
	Name        string  `bun:"name"`
	OfficialKey *string `bun:"official_key"`
}

// scope loads every tenant and resolves the ones the filter covers: the
// visible tenants, narrowed to one tenant's subtree. The set is nil when
// the filter covers every tenant.
func (s *Store) scope(ctx context.Context, f RolloutFilter) ([]tenantNode, map[string]bool, error) {
	var all []tenantNode
	if err := s.db.Read.NewSelect().Table("tenants").Column("id", "parent_id", "kind", "name", "official_key").Scan(ctx, &all); err != nil {
		return nil, nil, fmt.Errorf("load tenants for the rollout report: %w", err)
	}
	var set map[string]bool
	nodes := all
	if f.TenantIDs != nil {
		set = make(map[string]bool, len(f.TenantIDs))
		for _, id := range f.TenantIDs {
			set[id] = true
		}
		nodes = slices.DeleteFunc(slices.Clone(all), func(n tenantNode) bool { return !set[n.ID] })
		if len(nodes) == len(all) {
			set = nil // every tenant is visible
		}
	}
	if f.TenantID == "" {
		return nodes, set, nil
	}
	children := map[string][]string{}
	for _, n := range nodes {
		if n.ParentID != nil {
			children[*n.ParentID] = append(children[*n.ParentID], n.ID)
		}
	}
	sub := map[string]bool{}
	if set == nil || set[f.TenantID] {
		var walk func(string)
		walk = func(id string) {
			sub[id] = true
			for _, c := range children[id] {
				walk(c)
			}
		}
		walk(f.TenantID)
	}
	return nodes, sub, nil
}

// ids lists a set (nil stays nil: no limit).
func ids(set map[string]bool) []string {
	if set == nil {
		return nil
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// whereCases adds the filter's conditions on cases aliased c.
func whereCases(q *bun.SelectQuery, ids []string, f RolloutFilter) *bun.SelectQuery {
	if ids != nil {
		q = q.Where("c.tenant_id IN (?)", bun.In(ids))
	}
	if f.Antragsstrecke != "" {
		q = q.Where("c.antragsstrecke = ?", f.Antragsstrecke)
	}
	if f.OZGID != "" {
		q = q.Where("c.antragsstrecke IN (SELECT key FROM onboarding_antragsstrecken WHERE ozg_id = ?)", f.OZGID)
	}
	return q
}

// statusCodeSQL folds the three phase statuses into one number 0–26
// (preparation·9 + tests·3 + production, each 0 not started, 1 in
// progress, 2 completed), so that the report reads one integer per case
// instead of three texts.
const statusCodeSQL = `(CASE c.preparation_status WHEN 'completed' THEN 18 WHEN 'in-progress' THEN 9 ELSE 0 END
	+ CASE c.tests_status WHEN 'completed' THEN 6 WHEN 'in-progress' THEN 3 ELSE 0 END
	+ CASE c.production_status WHEN 'completed' THEN 2 WHEN 'in-progress' THEN 1 ELSE 0 END)`

// statusDigit decodes the lowest base-3 digit of the status code.
func statusDigit(code int) Status {
	switch code % 3 {
	case 2:
		return Completed
	case 1:
		return InProgress
	}
	return NotStarted
}

// RolloutReport aggregates every case the filter covers. It reads the
// cases' keys and statuses in one pass (an index-only scan) and counts in
// memory; the tenants are filtered there too, so that no query carries the
// list of visible tenants.
func (s *Store) RolloutReport(ctx context.Context, f RolloutFilter) (*Rollout, error) {
	nodes, set, err := s.scope(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &Rollout{Rows: []MatrixRow{}, Districts: []DistrictTile{}, GoLives: []MonthCount{}, GeneratedAt: s.now()}
	catalog, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*MatrixRow{}
	for _, svc := range catalog {
		if f.OZGID != "" && svc.OZGID != f.OZGID {
			continue
		}
		if f.LegalBasis != "" && !strings.Contains(svc.LegalBasis+" "+joinLegal(svc), f.LegalBasis) {
			continue
		}
		if svc.External() {
			if f.Antragsstrecke == "" {
				out.Rows = append(out.Rows, MatrixRow{OZGID: svc.OZGID, Onlinedienst: svc.Name, Label: "–", LegalBasis: svc.LegalBasis,
					External: true, ExternalNote: svc.ExternalNote, FirstOfService: true, Phases: emptyPhases()})
			}
			continue
		}
		first := true
		for _, a := range svc.Antragsstrecken {
			if f.Antragsstrecke != "" && a.Key != f.Antragsstrecke {
				continue
			}
			if f.LegalBasis != "" && !strings.Contains(a.LegalBasis+" "+svc.LegalBasis, f.LegalBasis) {
				continue
			}
			out.Rows = append(out.Rows, MatrixRow{OZGID: svc.OZGID, Onlinedienst: svc.Name, Key: a.Key, Label: a.Label,
				LegalBasis: a.LegalBasis, FirstOfService: first, Phases: emptyPhases()})
			first = false
		}
	}
	for i := range out.Rows {
		if !out.Rows[i].External {
			byKey[out.Rows[i].Key] = &out.Rows[i]
		}
	}
	district := districtsOf(nodes)
	tiles := map[string]*DistrictTile{}
	for _, n := range nodes {
		if n.Kind == "landkreis" || n.Kind == "kreisfreie-stadt" {
			if set != nil && !set[n.ID] {
				continue
			}
			t := &DistrictTile{TenantID: n.ID, Name: n.Name}
			if n.OfficialKey != nil {
				t.OfficialKey = *n.OfficialKey
			}
			tiles[n.ID] = t
		}
	}

	agg := &aggregator{out: out, byKey: byKey, tiles: tiles, district: district, tenants: map[string]bool{}, months: map[string]int{},
		streamsFiltered: f.OZGID != "" || f.Antragsstrecke != "" || f.LegalBasis != ""}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if set == nil {
		err = s.countGrouped(ctx, agg, keys)
	} else {
		err = s.countEach(ctx, agg, keys, set)
	}
	if err != nil {
		return nil, err
	}
	months, withCases := agg.months, agg.tenants
	for i := range out.Rows {
		for j := range out.Rows[i].Phases {
			ph := &out.Rows[i].Phases[j]
			switch {
			case ph.Completed > 0:
				ph.Status = Completed
			case ph.InProgress > 0:
				ph.Status = InProgress
			}
			ph.StatusLabel = ph.Status.Label()
		}
	}
	if f.OnlyOrdered {
		out.Rows = slices.DeleteFunc(out.Rows, func(r MatrixRow) bool { return r.Counts.Ordered == 0 })
	}
	out.Tenants = len(withCases)
	for _, t := range tiles {
		t.Stage = t.Counts.Furthest()
		out.Districts = append(out.Districts, *t)
	}
	slices.SortFunc(out.Districts, func(a, b DistrictTile) int { return strings.Compare(a.OfficialKey+a.Name, b.OfficialKey+b.Name) })
	out.GoLives = s.goLives(months)
	return out, nil
}

// aggregator counts cases into the report.
type aggregator struct {
	out      *Rollout
	byKey    map[string]*MatrixRow
	tiles    map[string]*DistrictTile
	district map[string]string
	tenants  map[string]bool
	months   map[string]int
	// streamsFiltered is set when a filter dropped Antragsstrecken; the
	// queries are then limited to the report's rows.
	streamsFiltered bool
}

// row counts n cases of an Antragsstrecke with the given statuses.
func (a *aggregator) row(key string, st [3]Status, n int) {
	row, ok := a.byKey[key]
	if !ok {
		return
	}
	for i := range row.Phases {
		switch st[i] {
		case Completed:
			row.Phases[i].Completed += n
		case InProgress:
			row.Phases[i].InProgress += n
		default:
			row.Phases[i].NotStarted += n
		}
	}
	stage := stageOf(st[0], st[1], st[2])
	row.Counts.add(stage, n)
	a.out.Totals.add(stage, n)
}

// tenant counts n cases of a tenant with the given statuses.
func (a *aggregator) tenant(id string, st [3]Status, n int) {
	if !a.tenants[id] {
		a.tenants[id] = true
	}
	if t, ok := a.tiles[a.district[id]]; ok {
		t.Counts.add(stageOf(st[0], st[1], st[2]), n)
	}
}

// streamFilter limits cases aliased c to the report's rows when a filter
// dropped some.
func streamFilter(q *bun.SelectQuery, keys []string, filtered bool) *bun.SelectQuery {
	if !filtered {
		return q
	}
	if len(keys) == 0 {
		return q.Where("1 = 0")
	}
	return q.Where("c.antragsstrecke IN (?)", bun.In(keys))
}

// countGrouped counts with three grouped queries, each answered from an
// index: per Antragsstrecke and statuses, per tenant and statuses, and the
// go-lives per month. It serves the common case that every tenant is
// visible (the ministry).
func (s *Store) countGrouped(ctx context.Context, a *aggregator, keys []string) error {
	filtered := a.streamsFiltered
	var rows []struct {
		Key, TenantID, Prep, Test, Prod string
		N                               int
	}
	q := s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").
		ColumnExpr("c.antragsstrecke AS key, c.preparation_status AS prep, c.tests_status AS test, c.production_status AS prod, COUNT(*) AS n").
		GroupExpr("c.antragsstrecke, c.preparation_status, c.tests_status, c.production_status")
	if err := streamFilter(q, keys, filtered).Scan(ctx, &rows); err != nil {
		return fmt.Errorf("aggregate onboarding cases: %w", err)
	}
	for _, r := range rows {
		a.row(r.Key, [3]Status{Status(r.Prep), Status(r.Test), Status(r.Prod)}, r.N)
	}
	rows = rows[:0]
	q = s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").
		ColumnExpr("c.tenant_id, c.preparation_status AS prep, c.tests_status AS test, c.production_status AS prod, COUNT(*) AS n").
		GroupExpr("c.tenant_id, c.preparation_status, c.tests_status, c.production_status")
	if err := streamFilter(q, keys, filtered).Scan(ctx, &rows); err != nil {
		return fmt.Errorf("aggregate onboarding cases per tenant: %w", err)
	}
	for _, r := range rows {
		a.tenant(r.TenantID, [3]Status{Status(r.Prep), Status(r.Test), Status(r.Prod)}, r.N)
	}
	var months []struct {
		Month string
		N     int
	}
	q = s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").ColumnExpr("c.live_month AS month, COUNT(*) AS n").
		Where("c.production_status = ? AND c.live_month <> ''", string(Completed)).GroupExpr("c.live_month")
	if err := streamFilter(q, keys, filtered).Scan(ctx, &months); err != nil {
		return fmt.Errorf("aggregate go-lives: %w", err)
	}
	for _, m := range months {
		a.months[m.Month] += m.N
	}
	return nil
}

// countEach reads every case of the report's Antragsstrecken once (key,
// tenant, statuses folded into one number, go-live month) and counts those
// of the visible tenants; used when only some tenants are visible, so that
// no query carries the list of them.
func (s *Store) countEach(ctx context.Context, a *aggregator, keys []string, set map[string]bool) error {
	q := s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").
		ColumnExpr("c.tenant_id, c.antragsstrecke").ColumnExpr(statusCodeSQL).
		ColumnExpr("CASE WHEN c.production_status = 'completed' THEN c.live_month ELSE '' END")
	rows, err := streamFilter(q, keys, a.streamsFiltered).Rows(ctx)
	if err != nil {
		return fmt.Errorf("aggregate onboarding cases: %w", err)
	}
	defer rows.Close()
	var tid, key, month sql.RawBytes
	var code int
	for rows.Next() {
		if err := rows.Scan(&tid, &key, &code, &month); err != nil {
			return fmt.Errorf("aggregate onboarding cases: %w", err)
		}
		if !set[string(tid)] {
			continue
		}
		if _, ok := a.byKey[string(key)]; !ok {
			continue
		}
		st := [3]Status{statusDigit(code / 9), statusDigit(code / 3), statusDigit(code)}
		a.row(string(key), st, 1)
		a.tenant(string(tid), st, 1)
		if len(month) > 0 {
			a.months[string(month)]++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("aggregate onboarding cases: %w", err)
	}
	return nil
}

// goLives turns go-lives per "JJJJ-MM" into a series from the first month
// with one to the current month, gaps filled.
func (s *Store) goLives(counts map[string]int) []MonthCount {
	out := []MonthCount{}
	if len(counts) == 0 {
		return out
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	first, err := time.Parse("2006-01", keys[0])
	if err != nil {
		return out
	}
	now := s.now().In(s.loc)
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if last, err := time.Parse("2006-01", keys[len(keys)-1]); err == nil && last.After(end) {
		end = last
	}
	cum := 0
	for m := first; !m.After(end); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		cum += counts[key]
		out = append(out, MonthCount{Month: key, Label: GermanMonth(m), Count: counts[key], Cumulative: cum})
	}
	return out
}

func joinLegal(svc Onlinedienst) string {
	parts := make([]string, len(svc.Antragsstrecken))
	for i, a := range svc.Antragsstrecken {
		parts[i] = a.LegalBasis
	}
	return strings.Join(parts, " ")
}

func emptyPhases() []PhaseAggregate {
	out := make([]PhaseAggregate, len(Phases()))
	for i, p := range Phases() {
		out[i] = PhaseAggregate{Phase: p, Label: p.Label(), Status: NotStarted, StatusLabel: NotStarted.Label()}
	}
	return out
}

// districtsOf maps every tenant to its Landkreis or kreisfreie Stadt (the
// nearest ancestor of that kind, or itself).
func districtsOf(nodes []tenantNode) map[string]string {
	byID := make(map[string]tenantNode, len(nodes))
	for _, n := range nodes {
		byID[n.ID] = n
	}
	out := make(map[string]string, len(nodes))
	for _, n := range nodes {
		cur, seen := n, 0
		for seen < 10 {
			if cur.Kind == "landkreis" || cur.Kind == "kreisfreie-stadt" {
				out[n.ID] = cur.ID
				break
			}
			if cur.ParentID == nil {
				break
			}
			p, ok := byID[*cur.ParentID]
			if !ok {
				break
			}
			cur = p
			seen++
		}
	}
	return out
}

// GermanMonth names a month, "Mai 2025".
func GermanMonth(t time.Time) string {
	months := [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
	return fmt.Sprintf("%s %d", months[t.Month()-1], t.Year())
}

// RolloutCase is one case in a drill-down list.
type RolloutCase struct {
	CaseID            string       `json:"caseId"`
	TenantID          string       `json:"tenantId"`
	TenantName        string       `json:"tenantName"`
	OfficialKey       string       `json:"officialKey,omitempty"`
	OZGID             string       `json:"ozgId"`
	Antragsstrecke    string       `json:"antragsstrecke"`
	Label             string       `json:"antragsstreckeLabel"`
	Variant           Variant      `json:"variant"`
	Fachverfahren     string       `json:"fachverfahren,omitempty"`
	OrderedAt         time.Time    `json:"orderedAt"`
	Phases            []PhaseState `json:"phases"`
	Stage             Stage        `json:"stage"`
	LiveAt            *time.Time   `json:"liveAt,omitempty"`
	LastProgressAt    time.Time    `json:"lastProgressAt"`
	TestDelivery      bool         `json:"testDelivery"`
	MinistryConfirmed bool         `json:"ministryConfirmed"`
	// position is the Antragsstrecke's place in the catalogue (for paging).
	position int
}

// RolloutCases lists the cases the filter covers (drill-down per
// municipality or per Antragsstrecke), ordered by tenant key, then
// catalogue order.
func (s *Store) RolloutCases(ctx context.Context, f RolloutFilter) ([]RolloutCase, error) {
	q, err := s.rolloutCasesQuery(ctx, f)
	if err != nil || q == nil {
		return []RolloutCase{}, err
	}
	return s.scanRolloutCases(ctx, q.OrderExpr("CASE WHEN t.official_key IS NULL THEN 1 ELSE 0 END, t.official_key, t.name, a.position"))
}

// rolloutCaseRow is a case with what the report shows of its tenant,
// Antragsstrecke and Fachverfahren.
type rolloutCaseRow struct {
	caseRow
	TenantName  string  `bun:"tenant_name"`
	OfficialKey *string `bun:"official_key"`
	OZGID       string  `bun:"ozg_id"`
	Label       string  `bun:"label"`
	LegalBasis  string  `bun:"legal_basis"`
	Product     *string `bun:"product"`
	Position    int     `bun:"position"`
}

// rolloutCasesQuery selects the cases f covers, unordered; nil when the
// caller sees none.
func (s *Store) rolloutCasesQuery(ctx context.Context, f RolloutFilter) (*bun.SelectQuery, error) {
	_, set, err := s.scope(ctx, f)
	if err != nil {
		return nil, err
	}
	visible := ids(set)
	if visible != nil && len(visible) == 0 {
		return nil, nil
	}
	q := s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").ColumnExpr("c.*").
		ColumnExpr("t.name AS tenant_name, t.official_key, a.ozg_id, a.label, a.legal_basis, a.position, f.product").
		Join("JOIN tenants AS t ON t.id = c.tenant_id").
		Join("JOIN onboarding_antragsstrecken AS a ON a.key = c.antragsstrecke").
		Join("LEFT JOIN onboarding_fachverfahren AS f ON f.id = c.fachverfahren_id")
	q = whereCases(q, visible, f)
	if f.LegalBasis != "" {
		q = q.Where("a.legal_basis LIKE ?", "%"+f.LegalBasis+"%")
	}
	return q, nil
}

func (s *Store) scanRolloutCases(ctx context.Context, q *bun.SelectQuery) ([]RolloutCase, error) {
	var rows []rolloutCaseRow
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list cases for the rollout report: %w", err)
	}
	out := make([]RolloutCase, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		c, err := s.caseModel(&r.caseRow)
		if err != nil {
			return nil, err
		}
		rc := RolloutCase{CaseID: c.ID, TenantID: c.TenantID, TenantName: r.TenantName, OZGID: r.OZGID, Antragsstrecke: c.Antragsstrecke,
			Label: r.Label, Variant: c.Variant, OrderedAt: c.OrderedAt, Phases: c.Phases, Stage: c.Stage, LiveAt: c.LiveAt,
			LastProgressAt: c.LastProgressAt, TestDelivery: c.TestDeliveryAt != nil, MinistryConfirmed: c.LiveConfirmedAt != nil,
			position: r.Position}
		if r.OfficialKey != nil {
			rc.OfficialKey = *r.OfficialKey
		}
		if r.Product != nil {
			rc.Fachverfahren = *r.Product
		}
		out = append(out, rc)
	}
	return out, nil
}
