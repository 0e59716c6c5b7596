package onboarding

import (
	"strconv"
	"time"

	"sozialplattform/tenant/csvexport"
)

// The CSV exports are for German spreadsheets (tenant/csvexport: byte
// order mark, semicolons, formula-safe cells), with dates as TT.MM.JJJJ in
// German local time.

// CSVTable is one exportable table: a header and rows of cells, written
// by tenant/csvexport.
type CSVTable = csvexport.Table

func (s *Store) day(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(s.loc).Format("02.01.2006")
}

// MatrixCSV is the "Umsetzungsstand" table.
func (s *Store) MatrixCSV(r *Rollout) CSVTable {
	t := CSVTable{Header: []string{"OZG-ID", "Onlinedienst", "Antragsstrecke", "Rechtskreis",
		PhasePreparation.Label(), PhaseConnectionTests.Label(), PhaseProduction.Label(), "bestellt", "in Anbindungstests", "live"}}
	for _, row := range r.Rows {
		cells := []string{row.OZGID, row.Onlinedienst, row.Label, row.LegalBasis}
		for _, p := range row.Phases {
			if row.External {
				cells = append(cells, "extern")
				continue
			}
			cells = append(cells, p.StatusLabel)
		}
		cells = append(cells, strconv.Itoa(row.Counts.Ordered), strconv.Itoa(row.Counts.InTests), strconv.Itoa(row.Counts.Live))
		t.Rows = append(t.Rows, cells)
	}
	t.Rows = append(t.Rows, []string{"", "Summe", "", "", "", "", "",
		strconv.Itoa(r.Totals.Ordered), strconv.Itoa(r.Totals.InTests), strconv.Itoa(r.Totals.Live)})
	return t
}

// CasesCSV is a drill-down list.
func (s *Store) CasesCSV(cases []RolloutCase) CSVTable {
	t := CSVTable{Header: []string{"Körperschaft", "Amtlicher Schlüssel", "OZG-ID", "Antragsstrecke", "Anbindungsvariante",
		"Fachverfahren", "Bestellt am", PhasePreparation.Label(), PhaseConnectionTests.Label(), PhaseProduction.Label(), "Stand", "Live seit", "Letzter Fortschritt"}}
	for _, c := range cases {
		cells := []string{c.TenantName, c.OfficialKey, c.OZGID, c.Label, c.Variant.Label(), c.Fachverfahren, s.day(&c.OrderedAt)}
		for _, p := range c.Phases {
			cells = append(cells, phaseCell(s, p))
		}
		cells = append(cells, c.Stage.Label(), s.day(c.LiveAt), s.day(&c.LastProgressAt))
		t.Rows = append(t.Rows, cells)
	}
	return t
}

func phaseCell(s *Store, p PhaseState) string {
	switch p.Status {
	case Completed:
		return "abgeschlossen am " + s.day(p.CompletedAt)
	case InProgress:
		return "laufend seit " + s.day(p.StartedAt)
	}
	return p.StatusLabel
}

// GoLivesCSV is the go-lives per month.
func (s *Store) GoLivesCSV(r *Rollout) CSVTable {
	t := CSVTable{Header: []string{"Monat", "Livegänge", "Livegänge kumuliert"}}
	for _, m := range r.GoLives {
		t.Rows = append(t.Rows, []string{m.Label, strconv.Itoa(m.Count), strconv.Itoa(m.Cumulative)})
	}
	return t
}

// DistrictsCSV is the table beside the map.
func (s *Store) DistrictsCSV(r *Rollout) CSVTable {
	t := CSVTable{Header: []string{"Kreis / kreisfreie Stadt", "Amtlicher Schlüssel", "bestellt", "in Anbindungstests", "live", "Weitester Stand"}}
	for _, d := range r.Districts {
		stage := "keine Bestellung"
		if d.Stage != "" {
			stage = d.Stage.Label()
		}
		t.Rows = append(t.Rows, []string{d.Name, d.OfficialKey, strconv.Itoa(d.Counts.Ordered), strconv.Itoa(d.Counts.InTests), strconv.Itoa(d.Counts.Live), stage})
	}
	return t
}

// FachverfahrenCSV is the matrix of Fachverfahren.
func (s *Store) FachverfahrenCSV(fs []Fachverfahren) CSVTable {
	t := CSVTable{Header: []string{"Fachverfahren", "Hersteller"}}
	for _, i := range Interfaces() {
		t.Header = append(t.Header, i.Label())
	}
	t.Header = append(t.Header, "Anmerkungen", "Stand")
	for _, f := range fs {
		cells := []string{f.Product, f.Vendor}
		for _, i := range Interfaces() {
			cells = append(cells, f.Status(i).Label())
		}
		cells = append(cells, f.Remarks, s.day(&f.AsOf))
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// ConsultationsCSV is the list of Sprechstunden.
func (s *Store) ConsultationsCSV(cs []Consultation) CSVTable {
	t := CSVTable{Header: []string{"Art", "Nr.", "Datum", "Beginn", "Dauer (Minuten)", "Thema", "Abgesagt", "Anmeldungen"}}
	for _, c := range cs {
		cancelled := ""
		if c.Cancelled {
			cancelled = "ja"
		}
		number := ""
		if c.Number > 0 {
			number = strconv.Itoa(c.Number)
		}
		t.Rows = append(t.Rows, []string{KindLabel(c.Kind), number, s.day(&c.StartsAt), c.StartsAt.In(s.loc).Format("15:04"),
			strconv.Itoa(c.DurationMinutes), c.Topic, cancelled, strconv.Itoa(c.AttendeeCount)})
	}
	return t
}
