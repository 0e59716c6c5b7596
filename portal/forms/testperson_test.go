package forms_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/portal/xsozial"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestTestApplicationForEveryForm: the fixed test person fills every
// application form without an error, and the message built from it passes
// the XSozial-basis check; an Antragsstrecke without a form says so.
func TestTestApplicationForEveryForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	reg := f.store.Registry()
	b, err := xsozial.NewBuilder()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range reg.Keys() {
		t.Run(key, func(t *testing.T) {
			xml, pdf, err := f.store.TestApplication(ctx, f.harz.ID, key, "TEST-1", f.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatal("no PDF")
			}
			doc, err := xsozial.Parse(bytes.NewReader(xml))
			if err != nil {
				t.Fatal(err)
			}
			if err := xsozial.Check(doc, b.Lists()); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(xml), forms.TestFamilyName) {
				t.Error("the test person is not in the message")
			}
		})
	}
	if _, _, err := f.store.TestApplication(ctx, f.harz.ID, "eb-hzl", "TEST-2", f.clock.Now()); err != forms.ErrNoForm {
		t.Errorf("EB-HzL (no form): %v", err)
	}
}

// TestTestApplicationDiffersOnlyInPersonData compares a citizen's HzL
// application (submitted through the store) with the connection test's
// (TestApplication) as golden files: after masking what differs between
// any two messages (UUIDs, time stamps, reference, the embedded PDF) only
// the person data differ – the XSozial-basis message has no test flag;
// the transport marks the test (XTA TestMsg, see onboarding/delivery).
func TestTestApplicationDiffersOnlyInPersonData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	d, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.fill(t, d.ID)
	if _, err := f.store.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: f.citizen, Trust: forms.TrustNiedrig, Lang: "de",
		Declarations: formstest.Declarations()}); err != nil {
		t.Fatal(err)
	}
	if len(f.delivered) != 1 {
		t.Fatalf("%d deliveries", len(f.delivered))
	}
	real := mask(f.delivered[0].XML)
	testXML, _, err := f.store.TestApplication(ctx, f.harz.ID, "hzl", "TEST-20260302-100000", f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	test := mask(testXML)
	for name, got := range map[string][]byte{"hzl-antrag.golden.xml": real, "hzl-anbindungstest.golden.xml": test} {
		golden := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs (run with -update after checking):\n%s", golden, got)
		}
	}
	// Every element path outside the persons and third parties is the
	// same, with the same text.
	outside := func(raw []byte) map[string]string {
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(raw); err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		var walk func(e *etree.Element, path string)
		walk = func(e *etree.Element, path string) {
			path += "/" + e.FullTag()
			if e.Tag == "person" || e.Tag == "dritte" {
				return
			}
			for _, a := range e.Attr {
				out[path+"@"+a.Key] = a.Value
			}
			if len(e.ChildElements()) == 0 {
				out[path] = strings.TrimSpace(e.Text())
			}
			for _, c := range e.ChildElements() {
				walk(c, path)
			}
		}
		walk(doc.Root(), "")
		return out
	}
	a, b := outside(real), outside(test)
	var diff []string
	for k, v := range a {
		if b[k] != v {
			diff = append(diff, k+": "+v+" ≠ "+b[k])
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diff = append(diff, k+": only in the test application")
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("the test application differs outside the person data:\n%s", strings.Join(diff, "\n"))
	}
	if !strings.Contains(string(test), forms.TestFamilyName) || strings.Contains(string(real), forms.TestFamilyName) {
		t.Error("the person data do not tell the two apart")
	}
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	pdfRE  = regexp.MustCompile(`(<xsb:inhalt>)[^<]+(</xsb:inhalt>)`)
	timeRE = regexp.MustCompile(`(<erstellungszeitpunkt>)[^<]+(</erstellungszeitpunkt>)`)
)

// mask replaces what differs between any two messages: IDs, the creation
// time and the embedded PDF (which renders the answers).
func mask(raw []byte) []byte {
	out := uuidRE.ReplaceAll(raw, []byte("(uuid)"))
	out = pdfRE.ReplaceAll(out, []byte("${1}(PDF base64)${2}"))
	return timeRE.ReplaceAll(out, []byte("${1}(Zeitpunkt)${2}"))
}
