package onboarding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
)

// Interface is a technical interface a Fachverfahren may support.
type Interface string

// The interfaces of the Fachverfahren matrix.
const (
	IfaceFITConnect   Interface = "fit-connect"
	IfaceOSCI         Interface = "osci"
	IfaceXTA2         Interface = "xta2"
	IfaceXSozialBasis Interface = "xsozial-basis"
)

// Interfaces lists the matrix columns in order.
func Interfaces() []Interface {
	return []Interface{IfaceFITConnect, IfaceOSCI, IfaceXTA2, IfaceXSozialBasis}
}

// Label is the interface's name as the matrix shows it.
func (i Interface) Label() string {
	switch i {
	case IfaceFITConnect:
		return "FIT-Connect"
	case IfaceOSCI:
		return "OSCI"
	case IfaceXTA2:
		return "XTA2"
	case IfaceXSozialBasis:
		return "XSozial-basis"
	}
	return string(i)
}

// State is how far a Fachverfahren is with an interface.
type State string

// The states of the matrix legend.
const (
	StateDone       State = "done"        // Schnittstelle/Implementierung abgeschlossen
	StateInProgress State = "in-progress" // in Arbeit
	StatePlanned    State = "planned"     // geplant, frühestmögliche Bereitstellung ab Jahr
	StateNotPlanned State = "not-planned" // nicht geplant
	StateUnknown    State = "unknown"     // unbekannt
)

// States lists the states in the order of the legend.
func States() []State {
	return []State{StateDone, StateInProgress, StatePlanned, StateNotPlanned, StateUnknown}
}

// InterfaceStatus is one cell of the matrix: a state and, for "planned",
// the earliest year.
type InterfaceStatus struct {
	State State `json:"state" enum:"done,in-progress,planned,not-planned,unknown"`
	Year  int   `json:"year,omitempty" minimum:"2020" maximum:"2100" doc:"bei planned: frühestmögliche Bereitstellung"`
}

// Label is the German text of the cell: "abgeschlossen", "in Arbeit",
// "geplant ab 2025", "nicht geplant", "unbekannt".
func (st InterfaceStatus) Label() string {
	switch st.State {
	case StateDone:
		return "abgeschlossen"
	case StateInProgress:
		return "in Arbeit"
	case StatePlanned:
		if st.Year > 0 {
			return "geplant ab " + strconv.Itoa(st.Year)
		}
		return "geplant"
	case StateNotPlanned:
		return "nicht geplant"
	}
	return "unbekannt"
}

// String is the stored form: "done", "planned:2025", …
func (st InterfaceStatus) String() string {
	if st.State == StatePlanned && st.Year > 0 {
		return "planned:" + strconv.Itoa(st.Year)
	}
	if st.State == "" {
		return string(StateUnknown)
	}
	return string(st.State)
}

// ParseInterfaceStatus reads the stored form.
func ParseInterfaceStatus(s string) (InterfaceStatus, error) {
	state, year, hasYear := strings.Cut(s, ":")
	st := InterfaceStatus{State: State(state)}
	if hasYear {
		y, err := strconv.Atoi(year)
		if err != nil || st.State != StatePlanned {
			return InterfaceStatus{}, fmt.Errorf("unknown interface status %q", s)
		}
		st.Year = y
	}
	if err := st.check(); err != nil {
		return InterfaceStatus{}, err
	}
	return st, nil
}

func (st InterfaceStatus) check() error {
	switch st.State {
	case StateDone, StateInProgress, StateNotPlanned, StateUnknown:
		if st.Year != 0 {
			return errors.New("Ein Jahr gibt es nur beim Stand „geplant“.")
		}
	case StatePlanned:
		if st.Year != 0 && (st.Year < 2020 || st.Year > 2100) {
			return errors.New("Bitte geben Sie ein Jahr zwischen 2020 und 2100 an.")
		}
	default:
		return fmt.Errorf("unbekannter Stand %q", st.State)
	}
	return nil
}

// Fachverfahren is one row of the matrix: a product, its vendor and how far
// it is with each interface ("Status der Anbindung der Fachverfahren").
type Fachverfahren struct {
	ID         string                        `json:"id" doc:"Kennung, z. B. open-prosoz"`
	Product    string                        `json:"product"`
	Vendor     string                        `json:"vendor"`
	Interfaces map[Interface]InterfaceStatus `json:"interfaces"`
	Remarks    string                        `json:"remarks"`
	AsOf       time.Time                     `json:"asOf" doc:"Stand"`
	Position   int                           `json:"position"`
	Version    int                           `json:"version"`
	UpdatedAt  time.Time                     `json:"updatedAt"`
}

// Status returns the cell for an interface (unknown when missing).
func (f *Fachverfahren) Status(i Interface) InterfaceStatus {
	if st, ok := f.Interfaces[i]; ok {
		return st
	}
	return InterfaceStatus{State: StateUnknown}
}

type fachverfahrenRow struct {
	bun.BaseModel `bun:"table:onboarding_fachverfahren"`
	ID            string    `bun:"id,pk"`
	Product       string    `bun:"product"`
	Vendor        string    `bun:"vendor"`
	FITConnect    string    `bun:"fit_connect"`
	OSCI          string    `bun:"osci"`
	XTA2          string    `bun:"xta2"`
	XSozialBasis  string    `bun:"xsozial_basis"`
	Remarks       string    `bun:"remarks"`
	AsOf          time.Time `bun:"as_of"`
	Position      int       `bun:"position"`
	Version       int       `bun:"version"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

func (r *fachverfahrenRow) model() Fachverfahren {
	f := Fachverfahren{ID: r.ID, Product: r.Product, Vendor: r.Vendor, Remarks: r.Remarks, AsOf: r.AsOf.UTC(),
		Position: r.Position, Version: r.Version, UpdatedAt: r.UpdatedAt.UTC(), Interfaces: map[Interface]InterfaceStatus{}}
	for i, raw := range map[Interface]string{IfaceFITConnect: r.FITConnect, IfaceOSCI: r.OSCI, IfaceXTA2: r.XTA2, IfaceXSozialBasis: r.XSozialBasis} {
		st, err := ParseInterfaceStatus(raw)
		if err != nil {
			st = InterfaceStatus{State: StateUnknown}
		}
		f.Interfaces[i] = st
	}
	return f
}

// ListFachverfahren returns the matrix in its order.
func (s *Store) ListFachverfahren(ctx context.Context) ([]Fachverfahren, error) {
	var rows []fachverfahrenRow
	if err := s.db.Read.NewSelect().Model(&rows).OrderExpr("position, product").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list Fachverfahren: %w", err)
	}
	out := make([]Fachverfahren, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// GetFachverfahren returns one row of the matrix.
func (s *Store) GetFachverfahren(ctx context.Context, id string) (*Fachverfahren, error) {
	return s.getFachverfahren(ctx, s.db.Read, id)
}

func (s *Store) getFachverfahren(ctx context.Context, db bun.IDB, id string) (*Fachverfahren, error) {
	var row fachverfahrenRow
	if err := db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "Fachverfahren "+id)
	}
	f := row.model()
	return &f, nil
}

// FachverfahrenInput is a matrix row as the ministry enters it.
type FachverfahrenInput struct {
	Product    string
	Vendor     string
	Interfaces map[Interface]InterfaceStatus
	Remarks    string
	AsOf       time.Time // zero: today
	Position   *int      // nil: keep, or last for a new row
}

var fachverfahrenIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (in *FachverfahrenInput) validate() error {
	var errs tenant.FieldErrors
	in.Product = strings.TrimSpace(in.Product)
	in.Vendor = strings.TrimSpace(in.Vendor)
	in.Remarks = strings.TrimSpace(in.Remarks)
	switch {
	case in.Product == "":
		errs.Add("product", "Bitte geben Sie das Produkt an.")
	case utf8.RuneCountInString(in.Product) > 200:
		errs.Append(i18n.Coded("product", i18n.CodeMaxLength, map[string]any{"max": 200}))
	}
	if utf8.RuneCountInString(in.Vendor) > 200 {
		errs.Append(i18n.Coded("vendor", i18n.CodeMaxLength, map[string]any{"max": 200}))
	}
	if utf8.RuneCountInString(in.Remarks) > 2000 {
		errs.Append(i18n.Coded("remarks", i18n.CodeMaxLength, map[string]any{"max": 2000}))
	}
	for i, st := range in.Interfaces {
		if st.State == "" {
			st.State = StateUnknown
			in.Interfaces[i] = st
		}
		valid := false
		for _, known := range Interfaces() {
			valid = valid || i == known
		}
		if !valid {
			errs.Add("interfaces."+string(i), "Unbekannte Schnittstelle %q.", i)
			continue
		}
		if err := st.check(); err != nil {
			errs.Add("interfaces."+string(i), "%s", err.Error())
		}
	}
	return errs.Err()
}

// PutFachverfahren creates the row id or replaces it. version 0 skips the
// check; otherwise it must match the stored version (tenant.ErrStaleVersion).
func (s *Store) PutFachverfahren(ctx context.Context, id string, version int, in FachverfahrenInput) (*Fachverfahren, error) {
	if !fachverfahrenIDPattern.MatchString(id) || len(id) > 64 {
		return nil, fault.Field("id", "Die Kennung besteht aus Kleinbuchstaben, Ziffern und Bindestrichen, z. B. open-prosoz.")
	}
	if in.Interfaces == nil {
		in.Interfaces = map[Interface]InterfaceStatus{}
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = now
	}
	var out *Fachverfahren
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var old fachverfahrenRow
		err := tx.NewSelect().Model(&old).Where("id = ?", id).Scan(ctx)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("load Fachverfahren %s: %w", id, err)
		}
		if exists && version != 0 && old.Version != version {
			return tenant.ErrStaleVersion
		}
		row := fachverfahrenRow{ID: id, Product: in.Product, Vendor: in.Vendor, Remarks: in.Remarks, AsOf: s.dateOnly(asOf), UpdatedAt: now,
			FITConnect: statusOf(in.Interfaces, IfaceFITConnect), OSCI: statusOf(in.Interfaces, IfaceOSCI),
			XTA2: statusOf(in.Interfaces, IfaceXTA2), XSozialBasis: statusOf(in.Interfaces, IfaceXSozialBasis)}
		switch {
		case in.Position != nil:
			row.Position = *in.Position
		case exists:
			row.Position = old.Position
		default:
			var maxPos int
			if err := tx.NewSelect().Model((*fachverfahrenRow)(nil)).ColumnExpr("COALESCE(MAX(position), 0)").Scan(ctx, &maxPos); err != nil {
				return fmt.Errorf("position of Fachverfahren: %w", err)
			}
			row.Position = maxPos + 1
		}
		action := "create"
		before := map[string]any{}
		if exists {
			action = "update"
			m := old.model()
			before = fachverfahrenSummary(&m)
			row.Version = old.Version + 1
			res, err := tx.NewUpdate().Model(&row).WherePK().Where("version = ?", old.Version).Exec(ctx)
			if err != nil {
				return fmt.Errorf("update Fachverfahren %s: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return tenant.ErrStaleVersion
			}
		} else {
			row.Version = 1
			if _, err := tx.NewInsert().Model(&row).Exec(ctx); err != nil {
				return fmt.Errorf("insert Fachverfahren %s: %w", id, err)
			}
		}
		m := row.model()
		out = &m
		summary := map[string]any{"after": fachverfahrenSummary(&m)}
		if exists {
			summary = diff(before, fachverfahrenSummary(&m))
		}
		return audit(ctx, tx, "", action, ObjFachverfahren, id, summary)
	})
	return out, err
}

func statusOf(m map[Interface]InterfaceStatus, i Interface) string {
	if st, ok := m[i]; ok {
		return st.String()
	}
	return string(StateUnknown)
}

func fachverfahrenSummary(f *Fachverfahren) map[string]any {
	out := map[string]any{"product": f.Product, "vendor": f.Vendor, "remarks": f.Remarks, "asOf": f.AsOf.Format("2006-01-02")}
	for _, i := range Interfaces() {
		out[string(i)] = f.Status(i).String()
	}
	return out
}

// Warning says that the chosen Fachverfahren does not (yet) support what
// the chosen variant needs.
type Warning struct {
	Interface Interface       `json:"interface"`
	Status    InterfaceStatus `json:"status"`
	// Message names product, interface and state, e.g.
	// "Care 4: FIT-Connect geplant 2025".
	Message string `json:"message"`
	// Hint says what to do meanwhile.
	Hint string `json:"hint"`
	// Outdated says that the state was planned for a year that has passed
	// (the matrix's "Stand" is older than the plan): ask the vendor.
	Outdated bool `json:"outdated,omitempty" doc:"die geplante Jahreszahl ist verstrichen; die Angabe ist überholt"`
}

// MarkOutdated flags the warnings whose planned year has passed by now,
// and says so in their hint: "geplant 2025" read in 2026 is no plan any
// more but a question for the vendor.
func MarkOutdated(ws []Warning, f *Fachverfahren, now time.Time, loc *time.Location) []Warning {
	for i := range ws {
		st := ws[i].Status
		if st.State != StatePlanned || st.Year == 0 || now.In(loc).Year() <= st.Year {
			continue
		}
		ws[i].Outdated = true
		ws[i].Message += " (überholt)"
		ws[i].Hint = fmt.Sprintf("Die Angabe „%s“ stammt aus der Übersicht vom %s; das Jahr ist vorbei. Fragen Sie beim Hersteller nach dem aktuellen Stand. %s",
			warningState(st), f.AsOf.In(loc).Format("02.01.2006"), ws[i].Hint)
	}
	return ws
}

// Compatibility checks a Fachverfahren against a variant. Variant 1 needs
// OSCI or XTA2, variant 3 FIT-Connect, and both an import of XSozial-basis;
// variant 2 needs no interface. A nil Fachverfahren or no variant gives no
// warning.
func Compatibility(f *Fachverfahren, v Variant) []Warning {
	if f == nil || !v.Valid() {
		return nil
	}
	var out []Warning
	warn := func(i Interface, hint string) {
		st := f.Status(i)
		out = append(out, Warning{Interface: i, Status: st, Message: f.Product + ": " + i.Label() + " " + warningState(st), Hint: hint})
	}
	const meanwhile = "Bis dahin ist Variante 2 (OSCI-Client) eine gute Übergangslösung."
	switch v {
	case VariantOSCIXTA2:
		if f.Status(IfaceOSCI).State != StateDone && f.Status(IfaceXTA2).State != StateDone {
			warn(IfaceOSCI, "Variante 1 braucht eine OSCI- oder XTA2-Schnittstelle im Fachverfahren. "+meanwhile)
			warn(IfaceXTA2, "Variante 1 braucht eine OSCI- oder XTA2-Schnittstelle im Fachverfahren. "+meanwhile)
		}
	case VariantFITConnect:
		if f.Status(IfaceFITConnect).State != StateDone {
			warn(IfaceFITConnect, "Variante 3 braucht eine FIT-Connect-Schnittstelle im Fachverfahren. "+meanwhile)
		}
	case VariantOSCIClient:
		return nil
	}
	if f.Status(IfaceXSozialBasis).State != StateDone {
		warn(IfaceXSozialBasis, "Anträge kommen im Format XSozial-basis; ohne Import müssen sie von Hand übernommen werden.")
	}
	return out
}

// warningState is the state as a warning says it: "geplant 2025",
// "in Arbeit", "nicht geplant", "Stand unbekannt".
func warningState(st InterfaceStatus) string {
	switch st.State {
	case StatePlanned:
		if st.Year > 0 {
			return "geplant " + strconv.Itoa(st.Year)
		}
		return "geplant"
	case StateInProgress:
		return "in Arbeit"
	case StateNotPlanned:
		return "nicht geplant"
	case StateDone:
		return "abgeschlossen"
	}
	return "Stand unbekannt"
}
