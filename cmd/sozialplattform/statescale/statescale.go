// Package statescale fills a database with the data volume of the whole
// of Sachsen-Anhalt, for measuring the platform at that size
// (`sozialplattform demo --scale state`): every Gemeinde of the official
// list (tenant/gemeinden) as a tenant, 30 Antragsstrecken each with an
// onboarding case, three years of marketplace orders and Sprechstunden,
// 300,000 applications with their deliveries and 2,000 counselling
// entries.
//
// It runs on top of the regular demo data (the Kreise, the catalogue, the
// Antragsstrecken, the topics) and writes the bulk of the rows with
// multi-row INSERTs in batches of one short transaction each, so that
// SQLite takes minutes, not hours. Counselling entries go through the
// counselling store (its versions, places and tags must agree). The
// application answers are sealed with the platform's data key like real
// ones; the generated applications carry no PDF or XML documents (those
// would add gigabytes and say nothing about the queries measured).
// Everything is derived from a fixed seed: two runs give the same data.
package statescale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/gemeinden"
)

// Scale says how much to generate.
type Scale struct {
	Name string
	// Gemeinden limits the Gemeinden made tenants (0: all of the list).
	Gemeinden       int
	Antragsstrecken int // per tenant, with an onboarding case each
	Years           int // of orders, Sprechstunden and applications
	Applications    int
	// Expired of the Applications are past their retention period and
	// still hold their data (what the retention job has to delete).
	Expired     int
	Counselling int
}

// Presets are the scales the command offers.
var Presets = map[string]Scale{
	"state": {Name: "state", Antragsstrecken: 30, Years: 3, Applications: 300_000, Expired: 100_000, Counselling: 2_000},
	// small is the same shape at a size a test can afford.
	"small": {Name: "small", Gemeinden: 12, Antragsstrecken: 30, Years: 1, Applications: 3_000, Expired: 1_000, Counselling: 20},
}

// Sealer encrypts an application's answers bound to its ID, as the forms
// store does ("application:<id>").
type Sealer func(plain []byte, aad string) (keyID string, dek, data []byte, err error)

// CounsellingCreator makes one published counselling entry below the
// tenant parentID; the generator hands it the entry as JSON of
// counselling.Entry, so that this package needs no portal import.
type CounsellingCreator func(ctx context.Context, parentID string, entryJSON []byte) error

// Deps are what the generator writes with.
type Deps struct {
	DB          *migrations.DB
	Seal        Sealer
	Counselling CounsellingCreator
	// Strecken maps the Antragsstrecken with an application form to the
	// form's current version; applications are made for those.
	Strecken map[string]string
	Now      time.Time
	// Progress gets a line per step (nil: quiet).
	Progress func(format string, args ...any)
}

// Result counts what was made.
type Result struct {
	Tenants, Cases, Orders, Consultations, Applications, Deliveries, Counselling int
	Took                                                                         time.Duration
}

// generator carries one run.
type generator struct {
	Deps
	scale Scale
	rng   *rand.Rand
	res   Result
	batch int
}

// Generate fills db at scale s. It refuses a database that already holds
// generated data (the Gemeinden would exist twice).
func Generate(ctx context.Context, s Scale, d Deps) (Result, error) {
	start := time.Now()
	if d.Progress == nil {
		d.Progress = func(string, ...any) {}
	}
	if d.Now.IsZero() {
		d.Now = time.Now()
	}
	d.Now = d.Now.UTC().Truncate(time.Microsecond)
	if s.Expired > s.Applications {
		return Result{}, fmt.Errorf("scale %s: %d expired of %d applications", s.Name, s.Expired, s.Applications)
	}
	g := &generator{Deps: d, scale: s, rng: rand.New(rand.NewPCG(2026, 15)), batch: 500}
	steps := []struct {
		name string
		fn   func(context.Context, *state) error
	}{
		{"Gemeinden", g.tenants},
		{"Antragsstrecken", g.strecken},
		{"Umsetzungsfälle", g.cases},
		{"Bestellungen", g.orders},
		{"Sprechstunden", g.consultations},
		{"Anträge und Zustellungen", g.applications},
		{"Beratungsstellen", g.counselling},
	}
	st := &state{}
	if err := g.load(ctx, st); err != nil {
		return Result{}, err
	}
	for _, step := range steps {
		t0 := time.Now()
		if err := step.fn(ctx, st); err != nil {
			return g.res, fmt.Errorf("%s: %w", step.name, err)
		}
		g.Progress("%-26s %8.1f s", step.name, time.Since(t0).Seconds())
	}
	if err := tenant.BumpPolicyRevision(ctx, d.DB.Write); err != nil { // new tenants: every instance reloads
		return g.res, err
	}
	// PostgreSQL's autovacuum would gather statistics for the planner
	// soon; here at once. SQLite has none unless ANALYZE runs, which the
	// platform never does – so neither does the generator (with them,
	// SQLite's planner misjudged the skewed applications: a full scan).
	if d.DB.Kind == migrations.Postgres {
		if _, err := d.DB.Write.ExecContext(ctx, "ANALYZE"); err != nil {
			return g.res, fmt.Errorf("analyze: %w", err)
		}
	}
	g.res.Took = time.Since(start)
	return g.res, nil
}

// state is what the steps share.
type state struct {
	land      string            // the Land's tenant ID
	kreise    map[string]string // Kreisschlüssel → tenant ID
	kreisList []string          // tenant IDs of the Kreise, in key order
	munis     []muni            // every tenant that orders: Kreise and Gemeinden
	strecken  []string          // 30 Antragsstrecken
	products  []product
}

type muni struct {
	id, name, key, kreisKey, postcode string
	lat, lon                          float64
}

type product struct {
	ID              string `bun:"id"`
	Number          string `bun:"number"`
	Name            string `bun:"name"`
	OZGID           string `bun:"ozg_id"`
	Antragsstrecken string `bun:"antragsstrecken"`
}

func (g *generator) load(ctx context.Context, st *state) error {
	db := g.DB.Read
	var rows []struct {
		ID          string  `bun:"id"`
		Kind        string  `bun:"kind"`
		Name        string  `bun:"name"`
		OfficialKey *string `bun:"official_key"`
	}
	if err := db.NewSelect().Table("tenants").Column("id", "kind", "name", "official_key").Scan(ctx, &rows); err != nil {
		return fmt.Errorf("tenants: %w", err)
	}
	st.kreise = map[string]string{}
	for _, r := range rows {
		if r.OfficialKey == nil {
			continue
		}
		switch {
		case *r.OfficialKey == gemeinden.LandKey:
			st.land = r.ID
		case r.Kind == string(tenant.KindLandkreis) || r.Kind == string(tenant.KindKreisfreieStadt):
			st.kreise[*r.OfficialKey] = r.ID
		}
	}
	if st.land == "" || len(st.kreise) != 14 {
		return errors.New("the demo tenants are missing (Land and 14 Kreise): run the regular demo first")
	}
	var n int
	if err := db.NewRaw("SELECT count(*) FROM tenants WHERE slug LIKE 'land-%'").Scan(ctx, &n); err != nil {
		return err
	}
	if n > 0 {
		return errors.New("the database already holds generated data")
	}
	if err := db.NewSelect().Table("market_products").Column("id", "number", "name", "ozg_id", "antragsstrecken").
		OrderExpr("number").Scan(ctx, &st.products); err != nil {
		return fmt.Errorf("products: %w", err)
	}
	if len(st.products) == 0 {
		return errors.New("the marketplace catalogue is empty: run the regular demo first")
	}
	return nil
}

// insert writes rows (a pointer to a slice of models) in batches, one
// short transaction each.
func insert[T any](ctx context.Context, g *generator, rows []T) error {
	for len(rows) > 0 {
		n := min(g.batch, len(rows))
		chunk := rows[:n]
		if err := g.DB.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&chunk).Exec(ctx)
			return err
		}); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

type tenantRow struct {
	bun.BaseModel   `bun:"table:tenants"`
	ID              string    `bun:"id,pk"`
	ParentID        *string   `bun:"parent_id"`
	Kind            string    `bun:"kind"`
	Name            string    `bun:"name"`
	OfficialKey     *string   `bun:"official_key"`
	Slug            string    `bun:"slug"`
	FunctionMailbox string    `bun:"function_mailbox"`
	PostalCode      string    `bun:"postal_code"`
	City            string    `bun:"city"`
	Active          bool      `bun:"active"`
	CreatedAt       time.Time `bun:"created_at"`
	UpdatedAt       time.Time `bun:"updated_at"`
}

// tenants makes every Gemeinde of the list (but the kreisfreie Städte,
// which are their Kreis) a tenant below its Kreis, unless the demo made
// it already.
func (g *generator) tenants(ctx context.Context, st *state) error {
	list, err := gemeinden.Default()
	if err != nil {
		return err
	}
	var have []string
	if err := g.DB.Read.NewSelect().Table("tenants").Column("official_key").Where("official_key IS NOT NULL").Scan(ctx, &have); err != nil {
		return err
	}
	for _, k := range list.Kreise() {
		st.munis = append(st.munis, muni{id: st.kreise[k.Key], name: k.Name(), key: k.Key, kreisKey: k.Key, lat: k.Lat, lon: k.Lon})
		st.kreisList = append(st.kreisList, st.kreise[k.Key])
	}
	var rows []tenantRow
	for _, gm := range list.Gemeinden() {
		if gm.Kind == gemeinden.KindKreisfreieStadt {
			continue
		}
		if g.scale.Gemeinden > 0 && len(rows) >= g.scale.Gemeinden {
			break
		}
		parent := st.kreise[gm.KreisKey]
		if parent == "" {
			return fmt.Errorf("Gemeinde %s: Kreis %s is no tenant", gm.AGS, gm.KreisKey)
		}
		if slices.Contains(have, gm.AGS) {
			continue
		}
		key := gm.AGS
		slug := "land-" + tenant.Slugify(gm.ShortName) + "-" + gm.AGS[5:]
		r := tenantRow{ID: newID(), ParentID: &parent, Kind: string(tenant.KindGemeinde), Name: gm.Name(), OfficialKey: &key,
			Slug: slug, FunctionMailbox: "sozialamt@" + slug + ".example", PostalCode: gm.SeatPostcode, City: gm.ShortName,
			Active: true, CreatedAt: g.Now.AddDate(-g.scale.Years, 0, 0), UpdatedAt: g.Now.AddDate(-g.scale.Years, 0, 0)}
		rows = append(rows, r)
		st.munis = append(st.munis, muni{id: r.ID, name: r.Name, key: key, kreisKey: gm.KreisKey, postcode: gm.SeatPostcode, lat: gm.Lat, lon: gm.Lon})
	}
	if err := insert(ctx, g, rows); err != nil {
		return err
	}
	g.res.Tenants += len(rows)
	return nil
}

// strecken makes sure there are Antragsstrecken enough: the 17 of the
// seed, topped up with further ones of a service "Weitere Leistungen
// (Lastprofil)" – the platform will carry more than today's.
func (g *generator) strecken(ctx context.Context, st *state) error {
	db := g.DB.Write
	if err := db.NewSelect().Table("onboarding_antragsstrecken").Column("key").OrderExpr("position, key").Scan(ctx, &st.strecken); err != nil {
		return err
	}
	if len(st.strecken) >= g.scale.Antragsstrecken {
		st.strecken = st.strecken[:g.scale.Antragsstrecken]
		return nil
	}
	if _, err := db.NewRaw("INSERT INTO onboarding_services (ozg_id, name, position) VALUES ('99990', 'Weitere Leistungen (Lastprofil)', 990)").Exec(ctx); err != nil {
		return fmt.Errorf("service for further Antragsstrecken: %w", err)
	}
	for i := len(st.strecken); i < g.scale.Antragsstrecken; i++ {
		k := fmt.Sprintf("last-%02d", i+1)
		if _, err := db.NewRaw("INSERT INTO onboarding_antragsstrecken (key, ozg_id, label, position) VALUES (?, '99990', ?, ?)",
			k, fmt.Sprintf("Weitere Antragsstrecke %d", i+1), 900+i).Exec(ctx); err != nil {
			return err
		}
		st.strecken = append(st.strecken, k)
	}
	return nil
}

type caseRow struct {
	bun.BaseModel  `bun:"table:onboarding_cases"`
	ID             string     `bun:"id,pk"`
	TenantID       string     `bun:"tenant_id"`
	Antragsstrecke string     `bun:"antragsstrecke"`
	OrderedAt      time.Time  `bun:"ordered_at"`
	Variant        int        `bun:"variant"`
	Transport      string     `bun:"transport"`
	Preparation    string     `bun:"preparation_status"`
	PrepStarted    *time.Time `bun:"preparation_started_at"`
	PrepDone       *time.Time `bun:"preparation_completed_at"`
	Tests          string     `bun:"tests_status"`
	TestsStarted   *time.Time `bun:"tests_started_at"`
	TestsDone      *time.Time `bun:"tests_completed_at"`
	Production     string     `bun:"production_status"`
	ProdStarted    *time.Time `bun:"production_started_at"`
	ProdDone       *time.Time `bun:"production_completed_at"`
	LiveMonth      string     `bun:"live_month"`
	LastProgressAt time.Time  `bun:"last_progress_at"`
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
}

// cases opens a case per tenant and Antragsstrecke that has none, at a
// stage drawn per case: most Kreise further along than the Gemeinden.
func (g *generator) cases(ctx context.Context, st *state) error {
	var have []struct {
		TenantID string `bun:"tenant_id"`
		Strecke  string `bun:"antragsstrecke"`
	}
	if err := g.DB.Read.NewSelect().Table("onboarding_cases").Column("tenant_id", "antragsstrecke").Scan(ctx, &have); err != nil {
		return err
	}
	exists := map[[2]string]bool{}
	for _, h := range have {
		exists[[2]string{h.TenantID, h.Strecke}] = true
	}
	status := func(stage, from int, at time.Time) (string, *time.Time, *time.Time) {
		switch {
		case stage <= from:
			return "not-started", nil, nil
		case stage == from+1:
			return "in-progress", &at, nil
		}
		done := at.AddDate(0, 1, 0)
		return "completed", &at, &done
	}
	var rows []caseRow
	span := g.scale.Years * 365
	for _, m := range st.munis {
		kreis := len(m.key) == 5
		for _, k := range st.strecken {
			if exists[[2]string{m.id, k}] {
				continue
			}
			ordered := g.Now.AddDate(0, 0, -g.rng.IntN(span))
			stage := g.rng.IntN(7) // 0 ordered … 6 live
			if kreis {
				stage = min(6, stage+2)
			}
			c := caseRow{ID: newID(), TenantID: m.id, Antragsstrecke: k, OrderedAt: ordered, Variant: 1 + g.rng.IntN(3), Transport: "{}",
				LastProgressAt: ordered, CreatedAt: ordered, UpdatedAt: ordered}
			c.Preparation, c.PrepStarted, c.PrepDone = status(stage, 0, ordered.AddDate(0, 0, 7))
			c.Tests, c.TestsStarted, c.TestsDone = status(stage, 2, ordered.AddDate(0, 2, 0))
			c.Production, c.ProdStarted, c.ProdDone = status(stage, 4, ordered.AddDate(0, 3, 0))
			if c.ProdDone != nil {
				if c.ProdDone.After(g.Now) {
					*c.ProdDone = g.Now.AddDate(0, 0, -1)
				}
				c.LiveMonth = c.ProdDone.Format("2006-01")
				c.LastProgressAt = *c.ProdDone
			}
			rows = append(rows, c)
		}
	}
	if err := insert(ctx, g, rows); err != nil {
		return err
	}
	g.res.Cases = len(rows)
	return nil
}

type orderRow struct {
	bun.BaseModel   `bun:"table:market_orders"`
	ID              string    `bun:"id,pk"`
	Number          int64     `bun:"number"`
	TenantID        string    `bun:"tenant_id"`
	State           string    `bun:"state"`
	AuthorityName   string    `bun:"authority_name"`
	OfficialKey     string    `bun:"official_key"`
	FunctionMailbox string    `bun:"function_mailbox"`
	TotalCents      int64     `bun:"total_cents"`
	OrderedAt       time.Time `bun:"ordered_at"`
	OrderedBy       string    `bun:"ordered_by"`
	UpdatedAt       time.Time `bun:"updated_at"`
}

type orderItemRow struct {
	bun.BaseModel   `bun:"table:market_order_items"`
	OrderID         string `bun:"order_id,pk"`
	Position        int    `bun:"position,pk"`
	ProductID       string `bun:"product_id"`
	ProductNumber   string `bun:"product_number"`
	Name            string `bun:"name"`
	OZGID           string `bun:"ozg_id"`
	Antragsstrecken string `bun:"antragsstrecken"`
	Quantity        int    `bun:"quantity"`
	UnitPriceCents  int64  `bun:"unit_price_cents"`
	LineTotalCents  int64  `bun:"line_total_cents"`
}

type orderEventRow struct {
	bun.BaseModel `bun:"table:market_order_events"`
	OrderID       string    `bun:"order_id"`
	At            time.Time `bun:"at"`
	FromState     string    `bun:"from_state"`
	ToState       string    `bun:"to_state"`
	ActorLabel    string    `bun:"actor_label"`
}

// orders places one to four orders per tenant over the years, of one to
// three products each, most of them completed by now.
func (g *generator) orders(ctx context.Context, st *state) error {
	var last int64
	if err := g.DB.Read.NewRaw("SELECT COALESCE(MAX(number), 0) FROM market_orders").Scan(ctx, &last); err != nil {
		return err
	}
	var orders []orderRow
	var items []orderItemRow
	var events []orderEventRow
	span := g.scale.Years * 365
	states := []string{"eingegangen", "bestaetigt", "in-anbindung", "abgeschlossen", "abgeschlossen", "abgeschlossen", "storniert"}
	for _, m := range st.munis {
		for range 1 + g.rng.IntN(4) {
			last++
			at := g.Now.AddDate(0, 0, -g.rng.IntN(span)).Add(-time.Duration(g.rng.IntN(8*3600)) * time.Second)
			o := orderRow{ID: newID(), Number: last, TenantID: m.id, State: states[g.rng.IntN(len(states))], AuthorityName: m.name,
				OfficialKey: m.key, FunctionMailbox: "sozialamt@" + strings.ToLower(m.key) + ".example", OrderedAt: at,
				OrderedBy: "bestellung@" + m.key + ".example", UpdatedAt: at}
			for pos, pi := range g.rng.Perm(len(st.products))[:1+g.rng.IntN(min(3, len(st.products)))] {
				p := st.products[pi]
				items = append(items, orderItemRow{OrderID: o.ID, Position: pos + 1, ProductID: p.ID, ProductNumber: p.Number, Name: p.Name,
					OZGID: p.OZGID, Antragsstrecken: p.Antragsstrecken, Quantity: 1})
			}
			events = append(events, orderEventRow{OrderID: o.ID, At: at, ToState: "eingegangen", ActorLabel: o.OrderedBy})
			if o.State != "eingegangen" {
				events = append(events, orderEventRow{OrderID: o.ID, At: at.AddDate(0, 0, 3), FromState: "eingegangen", ToState: o.State,
					ActorLabel: "ministerium@demo.example"})
			}
			orders = append(orders, o)
		}
	}
	if err := insert(ctx, g, orders); err != nil {
		return err
	}
	if err := insert(ctx, g, items); err != nil {
		return err
	}
	if err := insert(ctx, g, events); err != nil {
		return err
	}
	if _, err := g.DB.Write.NewRaw("UPDATE market_order_counter SET last_number = ? WHERE last_number < ?", last, last).Exec(ctx); err != nil {
		return fmt.Errorf("order counter: %w", err)
	}
	g.res.Orders = len(orders)
	return nil
}

type consultationRow struct {
	bun.BaseModel `bun:"table:onboarding_consultations"`
	ID            string    `bun:"id,pk"`
	Number        int       `bun:"number"`
	StartsAt      time.Time `bun:"starts_at"`
	Duration      int       `bun:"duration_minutes"`
	Topic         string    `bun:"topic"`
	Generated     bool      `bun:"generated"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

type attendanceRow struct {
	bun.BaseModel  `bun:"table:onboarding_consultation_attendance"`
	ConsultationID string    `bun:"consultation_id,pk"`
	TenantID       string    `bun:"tenant_id,pk"`
	Name           string    `bun:"name"`
	Email          string    `bun:"email"`
	RegisteredAt   time.Time `bun:"registered_at"`
}

// consultations holds the fortnightly Sprechstunde (Wednesday 14:00, 30
// minutes) over the past years, each attended by a few tenants; the demo's
// own dates stay.
func (g *generator) consultations(ctx context.Context, st *state) error {
	var have []time.Time
	if err := g.DB.Read.NewSelect().Table("onboarding_consultations").Column("starts_at").Scan(ctx, &have); err != nil {
		return err
	}
	var first int
	if err := g.DB.Read.NewRaw("SELECT COALESCE(MIN(number), 1000) FROM onboarding_consultations").Scan(ctx, &first); err != nil {
		return err
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	day := g.Now.In(loc).AddDate(-g.scale.Years, 0, 0)
	for day.Weekday() != time.Wednesday {
		day = day.AddDate(0, 0, 1)
	}
	var rows []consultationRow
	var att []attendanceRow
	for ; day.Before(g.Now.AddDate(0, 0, -1)); day = day.AddDate(0, 0, 14) {
		at := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, loc).UTC()
		if slices.ContainsFunc(have, func(h time.Time) bool { return h.Equal(at) }) {
			continue
		}
		rows = append(rows, consultationRow{ID: newID(), StartsAt: at, Duration: 30, Generated: true, CreatedAt: at.AddDate(0, 0, -14), UpdatedAt: at})
	}
	// Numbered in date order, ending below the demo's first number.
	for i := range rows {
		rows[i].Number = first - len(rows) + i
		for _, mi := range g.rng.Perm(len(st.munis))[:min(len(st.munis), 3+g.rng.IntN(10))] {
			m := st.munis[mi]
			att = append(att, attendanceRow{ConsultationID: rows[i].ID, TenantID: m.id, Name: "Onboarding " + m.name,
				Email: "onboarding@" + m.key + ".example", RegisteredAt: rows[i].StartsAt.AddDate(0, 0, -3)})
		}
	}
	if err := insert(ctx, g, rows); err != nil {
		return err
	}
	if err := insert(ctx, g, att); err != nil {
		return err
	}
	g.res.Consultations = len(rows)
	return nil
}

type applicationRow struct {
	bun.BaseModel  `bun:"table:applications"`
	ID             string     `bun:"id,pk"`
	Reference      string     `bun:"reference"`
	DraftID        string     `bun:"draft_id"`
	TenantID       string     `bun:"tenant_id"`
	Antragsstrecke string     `bun:"antragsstrecke"`
	DefVersion     string     `bun:"def_version"`
	Status         string     `bun:"status"`
	StatusAt       time.Time  `bun:"status_at"`
	KeyID          string     `bun:"key_id"`
	DEK            []byte     `bun:"dek"`
	Payload        []byte     `bun:"payload"`
	DeliveryID     string     `bun:"delivery_id"`
	CreatedAt      time.Time  `bun:"created_at"`
	SubmittedAt    *time.Time `bun:"submitted_at"`
	DeliveredAt    *time.Time `bun:"delivered_at"`
	DeleteAfter    *time.Time `bun:"delete_after"`
	DeletedAt      *time.Time `bun:"deleted_at"`
	Lang           string     `bun:"lang"`
}

type deliveryRow struct {
	bun.BaseModel   `bun:"table:deliveries"`
	ID              string     `bun:"id,pk"`
	TenantID        string     `bun:"tenant_id"`
	ApplicationID   string     `bun:"application_id"`
	Antragsstrecke  string     `bun:"antragsstrecke"`
	ReferenceNumber string     `bun:"reference_number"`
	Variant         int        `bun:"variant"`
	Route           string     `bun:"route"`
	Status          string     `bun:"status"`
	Attempts        int        `bun:"attempts"`
	NextAttemptAt   time.Time  `bun:"next_attempt_at"`
	SubmittedAt     time.Time  `bun:"submitted_at"`
	SentAt          *time.Time `bun:"sent_at"`
	FinishedAt      *time.Time `bun:"finished_at"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

// retentionDays is the default retention period of delivered applications
// (--retention-days).
const retentionDays = 90

// applications spreads the applications over the years and the Kreise
// (who run the subsistence benefits), each delivered. Of those past the
// retention period, the newest Expired still hold their sealed answers –
// as after a pause of the retention job – and the older ones were purged.
func (g *generator) applications(ctx context.Context, st *state) error {
	if g.scale.Applications == 0 {
		return nil
	}
	keys := make([]string, 0, len(g.Strecken))
	for k := range g.Strecken {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return errors.New("no application forms")
	}
	n := g.scale.Applications
	span := time.Duration(g.scale.Years) * 365 * 24 * time.Hour
	// Submission times, oldest first.
	times := make([]time.Time, n)
	for i := range times {
		times[i] = g.Now.Add(-span + time.Duration(g.rng.Int64N(int64(span))))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	cutoff := g.Now.AddDate(0, 0, -retentionDays-2) // delivered before: past the retention period
	expiredEnd := 0
	for expiredEnd < n && times[expiredEnd].Before(cutoff) {
		expiredEnd++
	}
	purgedEnd := max(0, expiredEnd-g.scale.Expired)
	counters := map[int]int{}
	var apps []applicationRow
	var dels []deliveryRow
	flush := func() error {
		if err := insert(ctx, g, apps); err != nil {
			return err
		}
		if err := insert(ctx, g, dels); err != nil {
			return err
		}
		g.res.Applications += len(apps)
		g.res.Deliveries += len(dels)
		apps, dels = apps[:0], dels[:0]
		return nil
	}
	answers := map[string]any{"vorname": "Erika", "nachname": "Musterfrau", "geburtsdatum": "1970-01-01", "strasse": "Hauptstraße 1",
		"plz": "38820", "ort": "Halberstadt", "haushalt": 2, "einkommen": 812.5, "miete": 455, "nothilfe": false}
	for i, at := range times {
		year := at.Year()
		counters[year]++
		k := keys[g.rng.IntN(len(keys))]
		tid := st.kreisList[g.rng.IntN(len(st.kreisList))]
		submitted := at
		delivered := at.Add(time.Duration(30+g.rng.IntN(600)) * time.Second)
		deleteAfter := delivered.AddDate(0, 0, retentionDays)
		a := applicationRow{ID: newID(), Reference: fmt.Sprintf("SP-%d-%06d", year, counters[year]), DraftID: newID(), TenantID: tid,
			Antragsstrecke: k, DefVersion: g.Strecken[k], Status: "angenommen", StatusAt: delivered, CreatedAt: at.Add(-time.Hour),
			SubmittedAt: &submitted, DeliveredAt: &delivered, DeleteAfter: &deleteAfter, Lang: "de"}
		d := deliveryRow{ID: newID(), TenantID: tid, ApplicationID: a.ID, Antragsstrecke: k, ReferenceNumber: a.Reference,
			Variant: 3, Route: "fit-connect", Status: "accepted", Attempts: 1, NextAttemptAt: submitted, SubmittedAt: submitted,
			SentAt: &delivered, FinishedAt: &delivered, CreatedAt: submitted, UpdatedAt: delivered}
		switch r := g.rng.IntN(100); {
		case i >= expiredEnd && r < 2: // recent and given up: the clerks see it
			a.Status, d.Status, a.DeliveredAt, a.DeleteAfter, d.SentAt = "problem", "failed", nil, nil, nil
			d.Attempts = 8
		case i >= expiredEnd && r < 10:
			a.Status, d.Status = "zugestellt", "sent"
		}
		a.DeliveryID = d.ID
		if i < purgedEnd {
			purged := deleteAfter.Add(time.Hour)
			a.DeletedAt = &purged
		} else {
			answers["antrag"] = a.Reference
			plain, err := json.Marshal(answers)
			if err != nil {
				return err
			}
			if a.KeyID, a.DEK, a.Payload, err = g.Seal(plain, "application:"+a.ID); err != nil {
				return err
			}
		}
		apps, dels = append(apps, a), append(dels, d)
		if len(apps) == 5000 {
			if err := flush(); err != nil {
				return err
			}
			if g.res.Applications%50_000 == 0 {
				g.Progress("  %d Anträge", g.res.Applications)
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	for year, last := range counters {
		if _, err := g.DB.Write.NewRaw("DELETE FROM application_reference_counters WHERE year = ?", year).Exec(ctx); err != nil {
			return err
		}
		if _, err := g.DB.Write.NewRaw("INSERT INTO application_reference_counters (year, last) VALUES (?, ?)", year, last).Exec(ctx); err != nil {
			return fmt.Errorf("reference counter %d: %w", year, err)
		}
	}
	return nil
}

// counselling publishes entries spread over the Gemeinden, each near its
// Gemeinde's centre, with a topic and languages drawn from the topics the
// directory offers.
func (g *generator) counselling(ctx context.Context, st *state) error {
	if g.scale.Counselling == 0 || g.Counselling == nil {
		return nil
	}
	var topics []string
	if err := g.DB.Read.NewSelect().Table("counselling_topics").Column("key").Where("active = ?", true).OrderExpr("position, key").Scan(ctx, &topics); err != nil {
		return err
	}
	if len(topics) == 0 {
		return errors.New("no counselling topics: run the regular demo first")
	}
	providers := []string{"Diakonisches Werk", "Caritasverband", "AWO Kreisverband", "DRK Kreisverband", "Verbraucherzentrale Sachsen-Anhalt",
		"Paritätischer Wohlfahrtsverband", "Volkssolidarität"}
	langs := []string{"en", "ar", "uk", "ru", "fa", "tr"}
	days := []string{"mon", "tue", "wed", "thu", "fri"}
	for i := range g.scale.Counselling {
		m := st.munis[g.rng.IntN(len(st.munis))]
		topic := topics[g.rng.IntN(len(topics))]
		e := map[string]any{
			"name":         fmt.Sprintf("%s %s (%d)", topicLabel(topic), m.name, i+1),
			"provider":     providers[g.rng.IntN(len(providers))],
			"topics":       []string{topic},
			"addresses":    []map[string]any{{"street": fmt.Sprintf("Hauptstraße %d", 1+g.rng.IntN(120)), "postalCode": postcodeOr(m), "city": m.name, "lat": m.lat + (g.rng.Float64()-0.5)*0.04, "lon": m.lon + (g.rng.Float64()-0.5)*0.06}},
			"serviceArea":  []string{m.kreisKey},
			"openingHours": []map[string]string{{"day": days[g.rng.IntN(5)], "from": "09:00", "to": "12:00"}, {"day": days[g.rng.IntN(5)], "from": "13:00", "to": "16:00"}},
			"phone":        fmt.Sprintf("0391 555-%04d", i),
			"email":        fmt.Sprintf("beratung-%d@beratung.example", i+1),
			"languages":    []string{"de", langs[g.rng.IntN(len(langs))]},
			"ways":         []string{"on-site", "phone"},
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := g.Counselling(ctx, m.id, raw); err != nil {
			return fmt.Errorf("entry %d: %w", i+1, err)
		}
		g.res.Counselling++
	}
	return nil
}

func topicLabel(key string) string {
	if key == "" {
		return "Beratung"
	}
	return strings.ToUpper(key[:1]) + strings.ReplaceAll(key[1:], "-", " ")
}

// postcodeOr is the Gemeinde's seat postcode; a Kreis has none in the
// list and gets that of Magdeburg (the search goes by coordinates).
func postcodeOr(m muni) string {
	if m.postcode != "" {
		return m.postcode
	}
	return "39104"
}
