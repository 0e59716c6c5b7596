package www

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sozialplattform/portal/forms/formstest"
)

var (
	seenValue = regexp.MustCompile(`name="gesehen" value="([^"]*)"`)
	fieldDiv  = regexp.MustCompile(`<div class="portal-field" data-name="([^"]+)"( data-show-if="[^"]*")?( hidden)?>`)
)

// wrappers maps each question of a step page to whether it is hidden,
// and returns the page's list of questions seen.
func wrappers(t *testing.T, page string) (map[string]bool, string) {
	t.Helper()
	hidden := map[string]bool{}
	for _, m := range fieldDiv.FindAllStringSubmatch(page, -1) {
		hidden[m[1]] = m[3] != ""
	}
	sv := seenValue.FindStringSubmatch(page)
	if sv == nil {
		t.Fatal("step page has no list of questions seen")
	}
	return hidden, html.UnescapeString(sv[1])
}

// TestFollowUpQuestionsOnTheSamePage: "Sind Sie schwerbehindert? Ja"
// brings up "Grad der Behinderung" on the same step. The question is on
// the page from the start, hidden, with its condition for the browser.
// Without JavaScript, "Weiter" shows it on the same step without an
// error (the citizen has not seen it yet); only once it was shown does a
// missing answer count as an error. Conditions on other steps' answers
// reach the browser decided.
func TestFollowUpQuestionsOnTheSamePage(t *testing.T) {
	t.Parallel()
	e, fstore, accounts := newAccountEnv(t)
	ctx := t.Context()
	b := e.browser(t)
	acc := login(t, e, accounts, b, "jana@example.org", "Ilse-Brocken-Harzweg-2026")
	d, err := fstore.CreateDraft(ctx, acc.ID, e.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := formstest.HzL()
	if _, err := fstore.SaveStep(ctx, acc.ID, d.ID, steps[0].ID, steps[0].Form, "de", nil); err != nil {
		t.Fatal(err)
	}
	path := "/landkreis-harz/antrag/hzl/entwurf/" + d.ID + "/schritt/situation"
	page := b.get(path)
	hidden, seen := wrappers(t, page.body)
	if !hidden["gdb"] || hidden["schwerbehinderung"] || strings.Contains(" "+seen+" ", " gdb ") {
		t.Fatalf("before the answer: gdb hidden=%v, seen=%q", hidden["gdb"], seen)
	}
	if !strings.Contains(page.body, `data-show-if="{&#34;equals&#34;:&#34;ja&#34;,&#34;field&#34;:&#34;schwerbehinderung&#34;}"`) {
		t.Errorf("gdb carries no condition for the browser")
	}
	form := url.Values{}
	for k, v := range steps[1].Form {
		form[k] = v
	}
	form.Set("schwerbehinderung", "ja")
	form.Set("aktion", "weiter")
	form.Set("csrf", csrf(t, page.body))
	form.Set("gesehen", seen)
	r := b.do("POST", path, form)
	hidden, seen2 := wrappers(t, r.body)
	if r.status != http.StatusOK || !strings.Contains(r.body, "weitere Fragen auf dieser Seite geöffnet") || hidden["gdb"] ||
		strings.Contains(r.body, `id="f-gdb-fehler"`) || strings.Contains(r.body, `id="fehlerliste"`) {
		t.Fatalf("after the trigger without JavaScript: %d, gdb hidden=%v\n%s", r.status, hidden["gdb"], r.body)
	}
	// Shown now: leaving it empty is an error.
	form.Set("gesehen", seen2)
	form.Set("csrf", csrf(t, r.body))
	r = b.do("POST", path, form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-gdb-fehler"`) {
		t.Fatalf("seen and empty: %d", r.status)
	}
	form.Set("gdb", "50")
	if r := b.do("POST", path, form); r.status != http.StatusSeeOther {
		t.Fatalf("answered: %d\n%s", r.status, r.body)
	}
	// A browser that showed the question at once (JavaScript) sends it as
	// seen: then its error comes with the first "Weiter".
	form.Del("gdb")
	form.Set("gesehen", seen+" gdb")
	if r := b.do("POST", path, form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="f-gdb-fehler"`) {
		t.Errorf("seen through JavaScript: %d", r.status)
	}
	// On the documents step, conditions on other steps are constants:
	// the tenancy agreement (wohnsituation miete) is shown, the power of
	// attorney (beantragende_person vertretung) is not.
	for _, st := range steps[1:] {
		if _, err := fstore.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil); err != nil {
			t.Fatal(err)
		}
	}
	page = b.get("/landkreis-harz/antrag/hzl/entwurf/" + d.ID + "/schritt/unterlagen")
	hidden, _ = wrappers(t, page.body)
	if hidden["mietvertrag"] || !hidden["vollmacht"] || !strings.Contains(page.body, `data-show-if="{&#34;const&#34;:false}"`) {
		t.Errorf("documents step: mietvertrag hidden=%v, vollmacht hidden=%v", hidden["mietvertrag"], hidden["vollmacht"])
	}
	// A money field whose label names the unit gets no second "(€)".
	if r := b.get("/landkreis-harz/antrag/hzl/entwurf/" + d.ID + "/schritt/unterkunft"); !strings.Contains(r.body, "Grundmiete") ||
		strings.Contains(r.body, `Euro <span aria-hidden="true">*</span> (€)`) {
		t.Errorf("rent label: unit twice or missing")
	}
	// Upload controls sit at their field, above the step buttons.
	up, next := strings.Index(page.body, `form="f-ausweis-hochladen"`), strings.Index(page.body, `value="weiter"`)
	if up < 0 || next < 0 || up > next {
		t.Errorf("upload of ausweis at %d, Weiter at %d", up, next)
	}
}
