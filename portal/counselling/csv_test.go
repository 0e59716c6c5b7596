package counselling_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"sozialplattform/portal/counselling"
)

// allowAll lets the importer write everywhere.
func allowAll(parent string) counselling.ImportOptions {
	yes := func(string) bool { return true }
	return counselling.ImportOptions{Parent: parent, MayCreate: yes, MayUpdate: yes}
}

func (f *fixture) export(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.store.ExportCSV(context.Background(), &buf, counselling.ListFilter{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	full := entry("Schuldner- und Insolvenzberatung Halberstadt", 51.8961, 11.0518)
	full.Description = "Beratung bei Schulden; auch \"Pfändungsschutzkonto\" – mit Zeilen-\numbruch."
	full.Topics = []string{counselling.TopicDebt, "sozialberatung"}
	full.Addresses = append(full.Addresses, counselling.Address{Label: "Außenstelle Quedlinburg", Street: "Carl-Ritter-Straße 3", PostalCode: "06484", City: "Quedlinburg", Lat: 51.7895, Lon: 11.1431})
	full.ServiceArea = []string{"15085", "15085370"}
	full.OpeningHours = []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}, {Day: "tue", From: "13:00", To: "17:30", Note: "nur mit Termin"}}
	full.EmergencyHours = []counselling.Interval{{Day: "sat", From: "10:00", To: "14:00", Note: "Krisentelefon"}}
	full.Phone = "+49 3941 555-210"
	full.Website = "https://diakonie.example/sib"
	full.Languages = []string{"de", "en", "ar"}
	full.Accessibility = []string{"step-free", "hearing-loop"}
	full.Ways = []string{"on-site", "phone", "video"}
	days := 21
	full.WaitingDays = &days
	full.Insolvency305 = true
	a := f.create(t, "15085", full)
	b := f.create(t, "15091", entry("=Formel-Beratung", 51.86, 12.64, "suchtberatung"))

	first := f.export(t)
	if !bytes.HasPrefix(first, []byte("\ufeffid;name;traeger;")) {
		t.Fatalf("export starts with %q", first[:40])
	}
	if !bytes.Contains(first, []byte("'=Formel-Beratung")) || !bytes.Contains(first, []byte("'+49 3941 555-210")) {
		t.Errorf("formula cells not defused:\n%s", first)
	}
	// Importing the export changes nothing: every row unchanged.
	rep, err := f.store.ImportCSV(ctx, first, allowAll(f.land.ID))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 2 || rep.Unchanged != 2 || len(rep.Rejected) != 0 || !rep.Saved {
		t.Fatalf("re-import: %+v", rep)
	}
	if second := f.export(t); !bytes.Equal(first, second) {
		t.Errorf("round trip differs:\n%s\n---\n%s", first, second)
	}
	got, err := f.store.Get(ctx, a.ID)
	if err != nil || got.CurrentVersion != 1 {
		t.Fatalf("re-import made a version: %+v %v", got, err)
	}

	// Without BOM, changed rows become new versions; a row without ID is a
	// new centre below "uebergeordnet".
	text := strings.TrimPrefix(string(first), "\ufeff")
	text = strings.Replace(text, "03941 555-1", "03941 555-9", 1) // b's phone; a's has +49
	lines := strings.Split(strings.TrimRight(text, "\r\n"), "\r\n")
	newRow := strings.Replace(lines[1], b.ID, "", 1) // b sorts first; a's description spans lines
	newRow = strings.Replace(newRow, "=Formel-Beratung", "Neue Beratung Wittenberg", 1)
	newRow = strings.Replace(newRow, ";"+f.byKey["15091"].ID+";", ";15091;", 1)
	text += newRow + "\r\n"
	rep, err = f.store.ImportCSV(ctx, []byte(text), allowAll(f.land.ID))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || rep.Updated != 1 || rep.Unchanged != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("import with changes: %+v", rep)
	}
	list, _ := f.store.List(ctx, counselling.ListFilter{Query: "neue beratung"})
	if len(list) != 1 || list[0].ParentID != f.byKey["15091"].ID {
		t.Errorf("new centre: %+v", list)
	}
}

func TestCSVRejectsRowsClearly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	good := f.create(t, "15085", entry("Gute Beratung", 51.89, 11.05))
	export := string(f.export(t))
	header, row, _ := strings.Cut(strings.TrimPrefix(export, "\ufeff"), "\r\n")
	row = strings.TrimRight(row, "\r\n")
	newRow := func(name string, change func(cells []string)) string {
		cells := strings.Split(strings.Replace(row, good.ID, "", 1), ";")
		cells[1] = name
		if change != nil {
			change(cells)
		}
		return strings.Join(cells, ";")
	}
	col := func(name string) int {
		for i, c := range counselling.CSVColumns {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	file := header + "\r\n" +
		newRow("Neu A", nil) + "\r\n" + // line 2: fine
		newRow("Kaputte Koordinaten", func(c []string) { c[col("breite")] = "95,1" }) + "\r\n" + // 3
		newRow("Überlappend", func(c []string) { c[col("oeffnungszeiten")] = "Mo 09:00-12:00 | Mo 11:00-13:00" }) + "\r\n" + // 4
		newRow("Unbekanntes Thema", func(c []string) { c[col("themen")] = "astrologie" }) + "\r\n" + // 5
		"nur;drei;spalten\r\n" + // 6
		newRow("Kodierung \xfcberall", nil) + "\r\n" + // 7: Latin-1 "ü"
		newRow("Fremde ID", func(c []string) { c[col("id")] = "gibt-es-nicht" }) + "\r\n" + // 8
		newRow("Ende vor Beginn", func(c []string) { c[col("notdienst")] = "Sa 18:00-08:00" }) + "\r\n" + // 9
		newRow("Neu B", nil) + "\r\n" // 10: fine

	rep, err := f.store.ImportCSV(ctx, []byte(file), allowAll(f.byKey["15085"].ID))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		3: "Spalte breite: Der Breitengrad muss zwischen -90 und 90 liegen.",
		4: "Spalte oeffnungszeiten (2. Eintrag): Die Zeit Mo 11:00–13:00 überschneidet sich mit Mo 09:00–12:00.",
		5: "Spalte themen (1. Eintrag): Unbekanntes Thema \"astrologie\".",
		6: "Die Zeile hat 3 statt 24 Spalten.",
		7: "Die Zeile ist nicht UTF-8-kodiert",
		8: "Spalte id: Eine Beratungsstelle \"gibt-es-nicht\" gibt es in Ihrem Bereich nicht.",
		9: "Spalte notdienst (1. Eintrag): Das Ende (08:00) liegt nicht nach dem Beginn (18:00).",
	}
	if len(rep.Rejected) != len(want) {
		t.Fatalf("rejected %d rows: %+v", len(rep.Rejected), rep.Rejected)
	}
	for _, r := range rep.Rejected {
		if w, ok := want[r.Line]; !ok || !strings.Contains(strings.Join(r.Problems, " "), w) {
			t.Errorf("line %d: %v, want %q", r.Line, r.Problems, w)
		}
	}
	if rep.Created != 2 || !rep.Saved {
		t.Errorf("valid rows: %+v", rep)
	}
	if list, _ := f.store.List(ctx, counselling.ListFilter{}); len(list) != 3 {
		t.Errorf("centres after partial import: %d", len(list))
	}

	// All or nothing: the same file saves nothing.
	opts := allowAll(f.byKey["15085"].ID)
	opts.AllOrNothing = true
	file = strings.ReplaceAll(file, "Neu A", "Neu C")
	rep, err = f.store.ImportCSV(ctx, []byte(file), opts)
	if err != nil || rep.Saved || rep.Created != 0 || len(rep.Rejected) != 7 || len(rep.Accepted) != 2 {
		t.Fatalf("all or nothing: %+v %v", rep, err)
	}
	if list, _ := f.store.List(ctx, counselling.ListFilter{}); len(list) != 3 {
		t.Errorf("all-or-nothing saved something: %d", len(list))
	}
	// A dry run checks and saves nothing.
	opts = allowAll(f.byKey["15085"].ID)
	opts.DryRun = true
	rep, err = f.store.ImportCSV(ctx, []byte(header+"\r\n"+newRow("Probe", nil)+"\r\n"), opts)
	if err != nil || rep.Saved || rep.Created != 1 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if list, _ := f.store.List(ctx, counselling.ListFilter{Query: "probe"}); len(list) != 0 {
		t.Error("dry run saved")
	}
	// Not the importer's area: refused per row.
	opts = allowAll(f.byKey["15085"].ID)
	opts.MayUpdate = func(string) bool { return false }
	opts.MayCreate = func(id string) bool { return id == f.byKey["15085"].ID }
	rep, err = f.store.ImportCSV(ctx, []byte(header+"\r\n"+row+"\r\n"+newRow("Wittenberg", func(c []string) { c[col("uebergeordnet")] = "15091" })+"\r\n"), opts)
	if err != nil || len(rep.Rejected) != 2 || rep.Saved && rep.Created+rep.Updated != 0 {
		t.Fatalf("foreign rows: %+v %v", rep, err)
	}
}

func TestCSVFileErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name, file, want string
	}{
		{"empty", "", "leer"},
		{"comma separated", strings.Join(counselling.CSVColumns, ","), "Kopfzeile passt nicht"},
		{"missing column", strings.Join(counselling.CSVColumns[1:], ";"), "Es fehlt: id"},
		{"extra column", strings.Join(append(append([]string{}, counselling.CSVColumns...), "farbe"), ";"), "Unbekannt: farbe"},
		{"header only", strings.Join(counselling.CSVColumns, ";") + "\r\n", "keine Datenzeilen"},
		{"latin-1 header", "\xefd;" + strings.Join(counselling.CSVColumns[1:], ";"), "nicht UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.store.ImportCSV(ctx, []byte(tt.file), allowAll(f.land.ID))
			var fe *counselling.ErrCSVFile
			if !errors.As(err, &fe) || !strings.Contains(fe.Msg, tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}
