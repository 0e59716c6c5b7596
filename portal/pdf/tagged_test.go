package pdf

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// tagged is a document with every kind of structure the application PDF
// has: the header table, steps with answers in Latin, Cyrillic and Arabic
// script, a household member (H3), a list answer and an empty step; with
// rows income rows it runs over pages.
func tagged(rows int) *Document {
	d := sample(rows)
	d.CitizenLang = "uk"
	d.Sections[0].Rows = append(d.Sections[0].Rows,
		Row{Label: "Unterlagen", Items: []string{"Kontoauszug.pdf", "Mietvertrag.pdf", "عقد الإيجار.pdf"}},
		Row{Label: "Адреса (Українська)", Value: "Київ, вулиця Хрещатик"})
	return d
}

// structElem is a structure element read back from the file.
type structElem struct {
	obj    int
	role   string
	parent int
	page   int // /Pg, 0 when absent
	dict   string
}

var (
	roleRE   = regexp.MustCompile(`^<</S/(\w+)/P (\d+) 0 R`)
	pgRE     = regexp.MustCompile(`/Pg (\d+) 0 R`)
	refRE    = regexp.MustCompile(`(\d+) 0 R`)
	mcidRE   = regexp.MustCompile(`/(\w+) <</MCID (\d+)>> BDC`)
	hexStrRE = regexp.MustCompile(`^<FEFF([0-9A-F]*)>`)
)

// readStructure returns the structure elements by object number and the
// parent tree: per page, the element of each MCID.
func readStructure(t *testing.T, p *parsed) (map[int]structElem, [][]int) {
	t.Helper()
	catalog := p.dict(ref(t, p.trailer, "/Root"))
	root := p.dict(ref(t, catalog, "/StructTreeRoot"))
	if !strings.Contains(root, "/Type /StructTreeRoot") {
		t.Fatalf("structure tree root %s", root)
	}
	elems := map[int]structElem{}
	for obj, body := range p.objects {
		m := roleRE.FindStringSubmatch(string(body))
		if m == nil {
			continue
		}
		e := structElem{obj: obj, role: m[1], dict: string(body)}
		e.parent, _ = strconv.Atoi(m[2])
		if pg := pgRE.FindStringSubmatch(e.dict); pg != nil {
			e.page, _ = strconv.Atoi(pg[1])
		}
		elems[obj] = e
	}
	nums := p.dict(ref(t, root, "/ParentTree"))
	var tree [][]int
	for i, m := range regexp.MustCompile(`(\d+) \[([^\]]*)\]`).FindAllStringSubmatch(nums, -1) {
		if m[1] != strconv.Itoa(i) {
			t.Fatalf("parent tree key %s where %d was due: %s", m[1], i, nums)
		}
		var refs []int
		for _, r := range refRE.FindAllStringSubmatch(m[2], -1) {
			n, _ := strconv.Atoi(r[1])
			refs = append(refs, n)
		}
		tree = append(tree, refs)
	}
	return elems, tree
}

// kids returns what /K of an element holds: element object numbers and
// marked content as (page object, MCID).
func kids(e structElem) (elems []int, mcids [][2]int) {
	k := e.dict[strings.Index(e.dict, "/K")+2:]
	if !strings.HasPrefix(k, "[") {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(k), ">>"))
		return nil, [][2]int{{e.page, n}}
	}
	k = k[1:strings.LastIndex(k, "]")]
	for k != "" {
		k = strings.TrimSpace(k)
		switch {
		case strings.HasPrefix(k, "<<"):
			end := strings.Index(k, ">>")
			mcr := k[:end]
			pg, _ := strconv.Atoi(pgRE.FindStringSubmatch(mcr)[1])
			n, _ := strconv.Atoi(regexp.MustCompile(`/MCID (\d+)`).FindStringSubmatch(mcr)[1])
			mcids = append(mcids, [2]int{pg, n})
			k = k[end+2:]
		case regexp.MustCompile(`^\d+ 0 R`).MatchString(k):
			m := refRE.FindStringSubmatch(k)
			n, _ := strconv.Atoi(m[1])
			elems = append(elems, n)
			k = k[len(m[0]):]
		default:
			f := strings.Fields(k)
			n, _ := strconv.Atoi(f[0])
			mcids = append(mcids, [2]int{e.page, n})
			k = strings.TrimPrefix(k, f[0])
		}
	}
	return elems, mcids
}

// TestTaggedPDF: the document is a Tagged PDF that poppler recognises,
// with a structure tree whose reading order is the document's.
func TestTaggedPDF(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("poppler's structure dump takes seconds: full suite only")
	}
	// poppler's -struct-text takes seconds for a few pages: one page here,
	// TestMarkedContent checks elements across pages.
	out := render(t, tagged(0))
	info := poppler(t, out, "pdfinfo")
	if !strings.Contains(info, "Tagged:          yes") {
		t.Errorf("pdfinfo does not see a Tagged PDF:\n%s", info)
	}
	tree := poppler(t, out, "pdfinfo", "-struct-text")
	// The dump indents children by two spaces; flatten it to "role text"
	// lines in reading order.
	var flat []string
	for line := range strings.SplitSeq(tree, "\n") {
		if s := strings.TrimSpace(line); s != "" && !strings.HasPrefix(s, "/") {
			flat = append(flat, s)
		}
	}
	dump := strings.Join(flat, "\n")
	for _, tc := range []struct{ what, want string }{
		{"document and title", "Document\nH1 (block)\n\"Antrag auf Hilfe zum Lebensunterhalt\"\nTable (block)\nTR\nTH:\n\"Empfänger\"\nTD\n\"Landkreis Harz\""},
		{"header table in order", "\"Antragsnummer\"\nTD\n\"SP-2026-000123\"\nTR\nTH:\n\"Eingegangen am\"\nTD\n\"02.03.2026, 10:15 Uhr\""},
		{"a step is a section with a heading and a table", "Sect\nH2 (block)\n\"Antragsteller:in\"\nTable (block)\nTR\nTH:\n\"Familienname\"\nTD\n\"Müller-Lüdenscheidt\""},
		{"wrapped text keeps its spaces", "\"Der Strom soll nächste Woche abgestellt werden. Der Strom soll"},
		{"a list answer", "TH:\n\"Unterlagen\"\nTD\nL (block):\nLI (block)\nLbl (block)\n\"•\"\nLBody (block)\n\"Kontoauszug.pdf\"\nLI (block)\nLbl (block)\n\"•\"\nLBody (block)\n\"Mietvertrag.pdf\""},
		{"a household member", "Sect\nH2 (block)\n\"Haushalt\"\nH3 (block)\n\"Person 1\"\nTable (block)\nTR\nTH:\n\"Vorname\"\nTD\n\"Mia\""},
		{"an empty step", "Sect\nH2 (block)\n\"Vermögen\"\nP (block)\n\"Keine Angaben\""},
	} {
		if !strings.Contains(dump, tc.want) {
			t.Errorf("%s: structure lacks\n%s\nin\n%s", tc.what, tc.want, dump)
		}
	}
	for _, artifact := range []string{"Seite 1 von", "Sozialplattform Sachsen-Anhalt", "SP-2026-000123 · Antrag"} {
		if strings.Contains(dump, artifact) {
			t.Errorf("running header or footer %q is in the structure tree, not an artifact", artifact)
		}
	}
}

// TestMarkedContent checks the tagging by its rules: all text and lines
// are inside marked content, each page's MCIDs run 0, 1, … in the content
// stream, the parent tree maps each to the element of that type, and the
// element lists it among its kids on that page.
func TestMarkedContent(t *testing.T) {
	t.Parallel()
	out := render(t, tagged(60))
	p := readPDF(t, out)
	catalog := p.dict(ref(t, p.trailer, "/Root"))
	if !strings.Contains(catalog, "/MarkInfo << /Marked true >>") {
		t.Errorf("catalog lacks /MarkInfo /Marked true: %s", catalog)
	}
	elems, parentTree := readStructure(t, p)
	pages := pageCount(out)
	if len(parentTree) != pages {
		t.Fatalf("parent tree has %d pages, the document %d", len(parentTree), pages)
	}
	owned := map[[2]int]int{} // (page object, MCID) → element
	for _, e := range elems {
		_, mcids := kids(e)
		for _, m := range mcids {
			if prev, ok := owned[m]; ok {
				t.Errorf("MCID %v is a kid of both %d and %d", m, prev, e.obj)
			}
			owned[m] = e.obj
		}
		if _, ok := elems[e.parent]; !ok && e.role != "Document" {
			t.Errorf("element %d (%s) has parent %d, no structure element", e.obj, e.role, e.parent)
		}
	}
	artifacts := 0
	for i := range pages {
		page := pageObj + 2*i
		if d := p.dict(page); !strings.Contains(d, "/StructParents "+itoa(i)+" ") {
			t.Errorf("page %d: /StructParents %d missing in %s", i+1, i, d)
		}
		content := string(p.decoded(t, page+1))
		depth, next := 0, 0
		for line := range strings.SplitSeq(content, "\n") {
			switch {
			case strings.HasSuffix(line, "BDC") || strings.HasSuffix(line, "BMC"):
				depth++
				if strings.HasPrefix(line, "/Artifact") {
					artifacts++
				}
				if m := mcidRE.FindStringSubmatch(line); m != nil {
					mcid, _ := strconv.Atoi(m[2])
					if mcid != next {
						t.Fatalf("page %d: MCID %d where %d was due", i+1, mcid, next)
					}
					next++
					if mcid >= len(parentTree[i]) {
						t.Fatalf("page %d: MCID %d beyond the parent tree's %d entries", i+1, mcid, len(parentTree[i]))
					}
					e := elems[parentTree[i][mcid]]
					if e.role != m[1] {
						t.Errorf("page %d MCID %d: marked %s, parent tree says %s (%d)", i+1, mcid, m[1], e.role, e.obj)
					}
					if owned[[2]int{page, mcid}] != e.obj {
						t.Errorf("page %d MCID %d: element %d does not list it as a kid", i+1, mcid, e.obj)
					}
				}
			case line == "EMC":
				depth--
			case strings.HasSuffix(line, "Tj ET") || strings.HasSuffix(line, " l S"):
				if depth <= 0 {
					t.Errorf("page %d: %q is neither structure content nor an artifact", i+1, line)
				}
			}
			if depth < 0 {
				t.Fatalf("page %d: EMC without BDC", i+1)
			}
		}
		if depth != 0 {
			t.Errorf("page %d: %d marked-content sequences left open", i+1, depth)
		}
		if next != len(parentTree[i]) {
			t.Errorf("page %d: %d MCIDs, parent tree lists %d", i+1, next, len(parentTree[i]))
		}
	}
	if artifacts < 2*pages {
		t.Errorf("%d artifacts on %d pages: header and footer should be artifacts on each", artifacts, pages)
	}
}

// TestLanguageAndActualText: answers in another script carry their
// language, Arabic carries its text in logical order as /ActualText (it is
// drawn in visual order), and the document is German.
func TestLanguageAndActualText(t *testing.T) {
	t.Parallel()
	out := render(t, tagged(60))
	p := readPDF(t, out)
	elems, _ := readStructure(t, p)
	text := func(e structElem, key string) string {
		i := strings.Index(e.dict, key)
		if i < 0 {
			return ""
		}
		rest := e.dict[i+len(key):]
		if strings.HasPrefix(rest, "(") {
			return rest[1:strings.Index(rest, ")")]
		}
		m := hexStrRE.FindStringSubmatch(rest)
		if m == nil {
			t.Fatalf("%s of %d is not a text string: %s", key, e.obj, rest)
		}
		var u []uint16
		for i := 0; i+4 <= len(m[1]); i += 4 {
			v, _ := strconv.ParseUint(m[1][i:i+4], 16, 16)
			u = append(u, uint16(v))
		}
		return string(utf16.Decode(u))
	}
	found := map[string]string{} // actual text or role → language
	for _, e := range elems {
		if lang := text(e, "/Lang"); lang != "" {
			key := text(e, "/ActualText")
			if key == "" {
				key = e.role + " " + strconv.Itoa(e.obj)
			}
			found[key] = lang
		} else if text(e, "/ActualText") != "" {
			t.Errorf("element %d has /ActualText but no /Lang", e.obj)
		}
	}
	for _, want := range []struct{ actual, lang string }{
		{"محمد علي", "ar"},
		{"عقد الإيجار.pdf", "ar"},
	} {
		if got, ok := found[want.actual]; !ok || got != want.lang {
			t.Errorf("no element with /ActualText %q and /Lang %s (found %v)", want.actual, want.lang, found)
		}
	}
	// Cyrillic answers: "Юрий Гагарин" has no letter only Ukrainian or
	// Russian has and follows the citizen's language (uk); the address
	// has "ї" and is Ukrainian. Neither needs /ActualText.
	langs := map[string]int{}
	for _, l := range found {
		langs[l]++
	}
	if langs["uk"] != 2 || langs["tr"] != 1 || langs["ar"] != 2 || len(found) != 5 {
		t.Errorf("languages tagged: %v, want uk twice, ar twice, tr once", found)
	}
	catalog := p.dict(ref(t, p.trailer, "/Root"))
	if !strings.Contains(catalog, "/Lang (de-DE)") {
		t.Errorf("document language missing: %s", catalog)
	}
}

// TestTextOrder: text extraction without the structure (pdftotext) reads
// the document in its order: title, header, steps, each label before its
// answer, Arabic in logical order, list items with their bullets.
func TestTextOrder(t *testing.T) {
	t.Parallel()
	txt := poppler(t, render(t, tagged(60)), "pdftotext")
	last := -1
	for _, want := range []string{
		"Antrag auf Hilfe zum Lebensunterhalt", "Empfänger", "Landkreis Harz", "Antragsnummer", "SP-2026-000123",
		"Antragsteller:in", "Familienname", "Müller-Lüdenscheidt", "Name (Arabisch)", shapeArabic("محمد علي"),
		"Beschreibung der Notlage", "Einkommen 60", "Unterlagen", "• Kontoauszug.pdf", "• Mietvertrag.pdf",
		"Haushalt", "Person 1", "Vorname", "Mia", "Vermögen", "Keine Angaben",
	} {
		i := strings.Index(txt[max(last, 0):], want)
		if i < 0 {
			t.Fatalf("after position %d the text lacks %q:\n%s", last, want, txt)
		}
		last += i + 1
	}
}

// TestPDFAStaysLevelB: tagging does not change the claim. The structure
// would serve level A, but without a validator the document claims B.
func TestPDFAStaysLevelB(t *testing.T) {
	t.Parallel()
	out := render(t, tagged(60))
	for _, claim := range []string{"<pdfaid:conformance>A</pdfaid:conformance>", "pdfuaid"} {
		if bytes.Contains(out, []byte(claim)) {
			t.Errorf("claims %s", claim)
		}
	}
}

func TestLangOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, hint, want string }{
		{"Müller-Lüdenscheidt, Straße", "", ""},
		{"1.234,56 €", "ar", ""},
		{"محمد علي", "", "ar"},
		{"محمد علي", "de", "ar"},
		{"علی رضایی", "fa", "fa"},
		{"Юрий Гагарин", "", "ru"},
		{"Юрий Гагарин", "uk", "uk"},
		{"Юрий Гагарин", "uk-UA", "uk"},
		{"Київ", "ru", "uk"},
		{"Съезд", "uk", "ru"},
		{"Гагарин и Київ, съезд", "uk", "uk"}, // both kinds of letter: the citizen's language
		{"Gülşen Ağaoğlu", "", "tr"},
		{"Işık", "az", "az"},
		{"שלום", "", "he"},
		{"Αθήνα", "", "el"},
	} {
		if got := langOf(tc.text, tc.hint); got != tc.want {
			t.Errorf("langOf(%q, %q) = %q, want %q", tc.text, tc.hint, got, tc.want)
		}
	}
}
