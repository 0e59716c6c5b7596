package counselling

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/csvexport"
)

// The CSV format of the directory, for German spreadsheets: UTF-8 (a byte
// order mark is written and accepted, not required), semicolon as
// separator, one header row with exactly these columns in this order. List
// cells separate their items with " | "; opening hours are items like
// "Mo 09:00-12:00" with an optional note after the times; further sites
// are lines of "Bezeichnung | Straße | PLZ | Ort | Breite | Länge".
// Decimal numbers are written with a comma and read with comma or point.
// "geprueft_am" is written for information and ignored on import (the
// import of a change sets it).
var CSVColumns = []string{
	"id", "name", "traeger", "beschreibung", "themen",
	"strasse", "plz", "ort", "breite", "laenge", "weitere_standorte",
	"einzugsgebiet", "oeffnungszeiten", "notdienst", "telefon", "email", "website",
	"sprachen", "barrierefreiheit", "beratungswege", "wartezeit_tage", "insolvenzberatung_305",
	"uebergeordnet", "geprueft_am",
}

// MaxCSVBytes caps an import file (the server caps request bodies at 1 MiB).
const MaxCSVBytes = 1 << 20

// MaxCSVRows caps the rows of an import file.
const MaxCSVRows = 5000

// ExportCSV writes the working copies of the given centres as CSV.
func (s *Store) ExportCSV(ctx context.Context, w io.Writer, f ListFilter) error {
	cs, err := s.List(ctx, f)
	if err != nil {
		return err
	}
	cw := csvexport.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, c := range cs {
		row := entryRow(c.ID, c.ParentID, c.Entry)
		if c.VerifiedOn != nil {
			row[len(row)-1] = c.VerifiedOn.Format("02.01.2006")
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Close()
}

// entryRow renders an entry as CSV cells (geprueft_am left empty).
func entryRow(id, parent string, e Entry) []string {
	num := func(f float64) string { return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1) }
	hours := func(list []Interval) string { return strings.Join(FormatHours(list), " | ") }
	var main Address
	var more []string
	for i, a := range e.Addresses {
		if i == 0 {
			main = a
			continue
		}
		more = append(more, strings.Join([]string{a.Label, a.Street, a.PostalCode, a.City, num(a.Lat), num(a.Lon)}, " | "))
	}
	lat, lon := "", ""
	if len(e.Addresses) > 0 {
		lat, lon = num(main.Lat), num(main.Lon)
	}
	waiting := ""
	if e.WaitingDays != nil {
		waiting = strconv.Itoa(*e.WaitingDays)
	}
	insolvency := "nein"
	if e.Insolvency305 {
		insolvency = "ja"
	}
	return []string{
		id, e.Name, e.Provider, e.Description, strings.Join(e.Topics, " | "),
		main.Street, main.PostalCode, main.City, lat, lon, strings.Join(more, "\n"),
		strings.Join(e.ServiceArea, " | "), hours(e.OpeningHours), hours(e.EmergencyHours), e.Phone, e.Email, e.Website,
		strings.Join(e.Languages, " | "), strings.Join(e.Accessibility, " | "), strings.Join(e.Ways, " | "), waiting, insolvency,
		parent, "",
	}
}

// ImportOptions control an import.
type ImportOptions struct {
	// Parent is the tenant new centres go below when their row names none
	// ("uebergeordnet" empty).
	Parent string
	// MayCreate reports whether the importer may create a centre below
	// the tenant; MayUpdate whether it may change the centre. Both are
	// required.
	MayCreate, MayUpdate func(tenantID string) bool
	// Direct publishes without review (the Landesredaktion's import).
	Direct bool
	// AllOrNothing saves nothing when any row is rejected; otherwise the
	// valid rows are saved, all in one transaction.
	AllOrNothing bool
	// DryRun checks every row and saves nothing.
	DryRun bool
}

// RowProblem is a rejected row of an import.
type RowProblem struct {
	Line     int      `json:"line" doc:"Zeile der Datei (die Kopfzeile ist Zeile 1)"`
	ID       string   `json:"id,omitempty"`
	Name     string   `json:"name,omitempty"`
	Problems []string `json:"problems"`
}

// RowResult is an accepted row of an import.
type RowResult struct {
	Line   int    `json:"line"`
	ID     string `json:"id,omitempty" doc:"ID der Beratungsstelle; bei neuen erst nach dem Speichern"`
	Name   string `json:"name"`
	Action string `json:"action" enum:"create,update,unchanged"`
}

// ImportReport says what an import did with each row.
type ImportReport struct {
	Rows      int          `json:"rows"`
	Created   int          `json:"created"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Accepted  []RowResult  `json:"accepted"`
	Rejected  []RowProblem `json:"rejected"`
	// Saved tells whether the accepted rows were stored.
	Saved  bool `json:"saved"`
	DryRun bool `json:"dryRun"`
}

// ErrCSVFile is a file that cannot be read as the directory's CSV at all
// (wrong columns, not CSV, too large); it wraps a FieldErrors-free message.
type ErrCSVFile struct{ Msg string }

func (e *ErrCSVFile) Error() string { return e.Msg }

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// pendingRow is a checked row waiting to be saved.
type pendingRow struct {
	line   int
	id     string
	parent string
	entry  Entry
}

// ImportCSV reads the directory's CSV and creates or updates the entries
// its rows describe: a row with an id changes that centre, a row without
// creates one below "uebergeordnet" (official key, short name or ID) or
// below opts.Parent. Every row is checked first; the rows that pass are
// saved in one transaction (nothing when opts.AllOrNothing and a row
// failed, or for a dry run). A file whose header does not match is
// *ErrCSVFile and changes nothing.
func (s *Store) ImportCSV(ctx context.Context, data []byte, opts ImportOptions) (*ImportReport, error) {
	if opts.MayCreate == nil || opts.MayUpdate == nil {
		return nil, errors.New("counselling import: MayCreate and MayUpdate are required")
	}
	if len(data) > MaxCSVBytes {
		return nil, &ErrCSVFile{Msg: fmt.Sprintf("Die Datei ist größer als %d MB; bitte teilen Sie sie auf.", MaxCSVBytes>>20)}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, &ErrCSVFile{Msg: "Die Datei ist leer oder keine CSV-Datei mit Semikolon als Trennzeichen."}
	}
	if !utf8.ValidString(strings.Join(header, ";")) {
		return nil, &ErrCSVFile{Msg: "Die Kopfzeile ist nicht UTF-8-kodiert. Bitte speichern Sie die Datei als „CSV UTF-8 (durch Trennzeichen getrennt)“."}
	}
	if msg := checkHeader(header); msg != "" {
		return nil, &ErrCSVFile{Msg: msg}
	}
	rep := &ImportReport{Accepted: []RowResult{}, Rejected: []RowProblem{}, DryRun: opts.DryRun}
	topics, err := s.activeTopicKeys(ctx, s.db.Read)
	if err != nil {
		return nil, err
	}
	labels, err := s.topicLabels(ctx)
	if err != nil {
		return nil, err
	}
	var rows []pendingRow
	seenIDs := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rep.Rows++
			rep.Rejected = append(rep.Rejected, RowProblem{Line: pe.StartLine, Problems: []string{"Die Zeile ist kein gültiges CSV (Anführungszeichen prüfen): " + pe.Err.Error() + "."}})
			if len(rep.Rejected) > MaxCSVRows {
				break
			}
			continue
		}
		if err != nil {
			return nil, &ErrCSVFile{Msg: "Die Datei konnte nicht gelesen werden: " + err.Error()}
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		rep.Rows++
		if rep.Rows > MaxCSVRows {
			return nil, &ErrCSVFile{Msg: fmt.Sprintf("Die Datei hat mehr als %d Zeilen; bitte teilen Sie sie auf.", MaxCSVRows)}
		}
		prob := RowProblem{Line: line}
		if !utf8.ValidString(strings.Join(rec, "")) {
			prob.Problems = append(prob.Problems, "Die Zeile ist nicht UTF-8-kodiert (vielleicht als ANSI/Windows-1252 gespeichert). Bitte speichern Sie die Datei als „CSV UTF-8“.")
			rep.Rejected = append(rep.Rejected, prob)
			continue
		}
		if len(rec) != len(CSVColumns) {
			prob.Problems = append(prob.Problems, fmt.Sprintf("Die Zeile hat %d statt %d Spalten.", len(rec), len(CSVColumns)))
			rep.Rejected = append(rep.Rejected, prob)
			continue
		}
		for i := range rec {
			rec[i] = csvexport.Undefuse(strings.TrimSpace(rec[i]))
		}
		pr, problems := parseRow(rec, labels)
		pr.line = line
		prob.ID, prob.Name = pr.id, pr.entry.Name
		if len(problems) == 0 {
			problems = s.checkRow(ctx, &pr, topics, opts, seenIDs)
		}
		if len(problems) > 0 {
			prob.Problems = problems
			rep.Rejected = append(rep.Rejected, prob)
			continue
		}
		rows = append(rows, pr)
	}
	if rep.Rows == 0 {
		return nil, &ErrCSVFile{Msg: "Die Datei enthält keine Datenzeilen."}
	}
	if opts.AllOrNothing && len(rep.Rejected) > 0 {
		for _, pr := range rows {
			rep.Accepted = append(rep.Accepted, RowResult{Line: pr.line, ID: pr.id, Name: pr.entry.Name, Action: actionOf(pr)})
		}
		return rep, nil
	}
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, pr := range rows {
			res := RowResult{Line: pr.line, ID: pr.id, Name: pr.entry.Name, Action: actionOf(pr)}
			if pr.id == "" {
				c, err := s.create(ctx, tx, CreateInput{ParentID: pr.parent, Entry: pr.entry, Direct: opts.Direct})
				if err != nil {
					return fmt.Errorf("Zeile %d: %w", pr.line, err)
				}
				res.ID = c.ID
				rep.Created++
			} else {
				_, err := s.update(ctx, tx, pr.id, UpdateInput{Entry: pr.entry, Direct: opts.Direct})
				switch {
				case errors.Is(err, ErrUnchanged):
					res.Action = "unchanged"
					rep.Unchanged++
				case err != nil:
					return fmt.Errorf("Zeile %d: %w", pr.line, err)
				default:
					rep.Updated++
				}
			}
			rep.Accepted = append(rep.Accepted, res)
		}
		if opts.DryRun {
			return errDryRun
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: opts.Parent, Action: "import", ObjectType: ObjCentre,
			Summary: map[string]any{"created": rep.Created, "updated": rep.Updated, "unchanged": rep.Unchanged, "rejected": len(rep.Rejected)}})
	})
	switch {
	case errors.Is(err, errDryRun):
		return rep, nil
	case err != nil:
		return nil, err
	}
	rep.Saved = true
	return rep, nil
}

func actionOf(pr pendingRow) string {
	if pr.id == "" {
		return "create"
	}
	return "update"
}

// checkHeader compares the header with CSVColumns.
func checkHeader(h []string) string {
	got := make([]string, len(h))
	for i, c := range h {
		got[i] = strings.ToLower(strings.TrimSpace(c))
	}
	if strings.Join(got, ";") == strings.Join(CSVColumns, ";") {
		return ""
	}
	var missing, unknown []string
	for _, c := range CSVColumns {
		if !contains(got, c) {
			missing = append(missing, c)
		}
	}
	for _, c := range got {
		if !contains(CSVColumns, c) {
			unknown = append(unknown, c)
		}
	}
	msg := "Die Kopfzeile passt nicht. Erwartet werden genau diese Spalten in dieser Reihenfolge, getrennt durch Semikolon: " + strings.Join(CSVColumns, ";") + "."
	if len(missing) > 0 {
		msg += " Es fehlt: " + strings.Join(missing, ", ") + "."
	}
	if len(unknown) > 0 {
		msg += " Unbekannt: " + strings.Join(unknown, ", ") + "."
	}
	if len(missing) == 0 && len(unknown) == 0 {
		msg += " Die Reihenfolge weicht ab."
	}
	return msg
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// topicLabels maps lower-case labels of all topics to their keys, so that
// an import may name a topic by its label.
func (s *Store) topicLabels(ctx context.Context) (map[string]string, error) {
	ts, err := s.Topics(ctx, true)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, t := range ts {
		out[strings.ToLower(t.Label)] = t.Key
	}
	return out, nil
}

// parseRow turns the cells of a row into an entry; problems name columns.
func parseRow(rec []string, topicLabels map[string]string) (pendingRow, []string) {
	col := map[string]string{}
	for i, c := range CSVColumns {
		col[c] = rec[i]
	}
	var problems []string
	bad := func(column, format string, args ...any) {
		problems = append(problems, "Spalte "+column+": "+fmt.Sprintf(format, args...))
	}
	list := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, "|") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	terms := func(column string, vocab []Term) []string {
		var out []string
		for _, v := range list(col[column]) {
			k := strings.ToLower(v)
			for _, t := range vocab {
				if strings.EqualFold(t.Label, v) {
					k = t.Key
				}
			}
			out = append(out, k)
		}
		return out
	}
	number := func(column, s string) float64 {
		f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
		if err != nil {
			bad(column, "%q ist keine Zahl.", s)
		}
		return f
	}
	hours := func(column string) []Interval {
		out, probs := ParseHours(list(col[column]))
		for _, p := range probs {
			bad(column, "%s", p)
		}
		return out
	}
	e := Entry{Name: col["name"], Provider: col["traeger"], Description: col["beschreibung"],
		Phone: col["telefon"], Email: col["email"], Website: col["website"],
		ServiceArea: list(col["einzugsgebiet"]), Languages: list(col["sprachen"]),
		Accessibility: terms("barrierefreiheit", Accessibility), Ways: terms("beratungswege", Ways)}
	for _, t := range list(col["themen"]) {
		if k, ok := topicLabels[strings.ToLower(t)]; ok {
			t = k
		}
		e.Topics = append(e.Topics, strings.ToLower(t))
	}
	main := Address{Street: col["strasse"], PostalCode: col["plz"], City: col["ort"]}
	if col["breite"] != "" || col["laenge"] != "" {
		main.Lat, main.Lon = number("breite", col["breite"]), number("laenge", col["laenge"])
	}
	if main.Street != "" || main.City != "" || main.PostalCode != "" {
		e.Addresses = append(e.Addresses, main)
	}
	for _, line := range strings.Split(col["weitere_standorte"], "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 6 {
			bad("weitere_standorte", "%q hat nicht die Form „Bezeichnung | Straße | PLZ | Ort | Breite | Länge“.", strings.TrimSpace(line))
			continue
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		e.Addresses = append(e.Addresses, Address{Label: parts[0], Street: parts[1], PostalCode: parts[2], City: parts[3],
			Lat: number("weitere_standorte", parts[4]), Lon: number("weitere_standorte", parts[5])})
	}
	e.OpeningHours = hours("oeffnungszeiten")
	e.EmergencyHours = hours("notdienst")
	if w := col["wartezeit_tage"]; w != "" {
		n, err := strconv.Atoi(w)
		if err != nil {
			bad("wartezeit_tage", "%q ist keine ganze Zahl von Tagen.", w)
		} else {
			e.WaitingDays = &n
		}
	}
	switch strings.ToLower(col["insolvenzberatung_305"]) {
	case "ja", "j", "x", "1", "true", "yes":
		e.Insolvency305 = true
	case "", "nein", "n", "0", "false", "no":
	default:
		bad("insolvenzberatung_305", "Bitte „ja“ oder „nein“ statt %q.", col["insolvenzberatung_305"])
	}
	return pendingRow{id: col["id"], parent: col["uebergeordnet"], entry: e}, problems
}

// checkRow validates a parsed row and checks that the importer may write
// it: the centre exists in its area, or the parent does.
func (s *Store) checkRow(ctx context.Context, pr *pendingRow, topics []string, opts ImportOptions, seen map[string]int) []string {
	var problems []string
	if pr.id != "" {
		if prev, dup := seen[pr.id]; dup {
			return []string{fmt.Sprintf("Die ID %s steht schon in Zeile %d.", pr.id, prev)}
		}
		seen[pr.id] = pr.line
		c, err := s.Get(ctx, pr.id)
		if err != nil || !opts.MayUpdate(pr.id) {
			return []string{fmt.Sprintf("Spalte id: Eine Beratungsstelle %q gibt es in Ihrem Bereich nicht. Für neue Einträge lassen Sie die ID leer.", pr.id)}
		}
		for _, t := range c.Entry.Topics { // a deactivated topic may stay
			if !contains(topics, t) {
				topics = append(topics, t)
			}
		}
	} else {
		parent := opts.Parent
		if pr.parent != "" {
			t, err := s.tenants.ResolveTenant(ctx, pr.parent)
			if err != nil {
				return []string{fmt.Sprintf("Spalte uebergeordnet: Die Körperschaft %q gibt es nicht.", pr.parent)}
			}
			parent = t.ID
		}
		t, err := s.tenants.GetTenant(ctx, parent)
		switch {
		case err != nil || !opts.MayCreate(parent):
			return []string{fmt.Sprintf("Spalte uebergeordnet: Unter %q dürfen Sie keine Beratungsstelle anlegen.", pr.parent)}
		case t.Kind == tenant.KindOrganisation || t.Kind == tenant.KindLandesbehoerde:
			return []string{fmt.Sprintf("Spalte uebergeordnet: Eine Beratungsstelle steht unter einer Kommune oder dem Land, nicht unter %s.", t.Name)}
		}
		pr.parent = parent
	}
	if err := pr.entry.Validate(topics); err != nil {
		var fe tenant.FieldErrors
		if !errors.As(err, &fe) {
			return []string{err.Error()}
		}
		for _, e := range fe {
			problems = append(problems, "Spalte "+csvColumnOf(e.Field)+": "+e.Message)
		}
	}
	return problems
}

var indexed = regexp.MustCompile(`^([a-zA-Z]+)(?:\[(\d+)\])?(?:\.([a-zA-Z]+))?`)

// csvColumnOf names the CSV column of an entry field ("addresses[0].lat"
// → "breite", "openingHours[2].to" → "oeffnungszeiten (3. Eintrag)").
func csvColumnOf(field string) string {
	m := indexed.FindStringSubmatch(field)
	if m == nil {
		return field
	}
	nth := func(col string) string {
		if m[2] == "" {
			return col
		}
		n, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("%s (%d. Eintrag)", col, n+1)
	}
	switch m[1] {
	case "name":
		return "name"
	case "provider":
		return "traeger"
	case "description":
		return "beschreibung"
	case "topics":
		return nth("themen")
	case "addresses":
		if m[2] == "0" || m[2] == "" {
			switch m[3] {
			case "street":
				return "strasse"
			case "postalCode":
				return "plz"
			case "city":
				return "ort"
			case "lat":
				return "breite"
			case "lon":
				return "laenge"
			}
			return "strasse"
		}
		n, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("weitere_standorte (%d. Standort)", n)
	case "serviceArea":
		return nth("einzugsgebiet")
	case "openingHours":
		return nth("oeffnungszeiten")
	case "emergencyHours":
		return nth("notdienst")
	case "phone":
		return "telefon"
	case "email":
		return "email"
	case "website":
		return "website"
	case "languages":
		return nth("sprachen")
	case "accessibility":
		return nth("barrierefreiheit")
	case "ways":
		return nth("beratungswege")
	case "waitingDays":
		return "wartezeit_tage"
	case "insolvency305":
		return "insolvenzberatung_305"
	}
	return field
}
