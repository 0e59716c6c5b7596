package www

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// walk answers every page of the finder with the given answers (question
// ID → form values) and returns the result page.
func walk(t *testing.T, b *browser, base string, answers map[string][]string, p *Portal) string {
	t.Helper()
	page := b.get(base + "schritt/1")
	for i, g := range p.rules.Groups() {
		form := url.Values{"csrf": {csrf(t, page.body)}, "aktion": {"weiter"}}
		for _, q := range g.Questions {
			if v, ok := answers[q.ID]; ok {
				form[q.ID] = v
			}
		}
		r := b.do("POST", base+"schritt/"+strconv.Itoa(i+1), form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("step %d: %d\n%s", i+1, r.status, r.body)
		}
		next := r.header.Get("Location")
		page = b.get(next)
	}
	return page.body
}

func TestFinderFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.services.live[e.harz.ID] = []string{"grusi", "hzl"}
	b := e.browser(t)
	result := walk(t, b, "/landkreis-harz/sozialleistungsfinder/", map[string][]string{
		"partner": {"no"}, "children": {"0"}, "child_care": {"no"},
		"birth_year": {"1955"}, "birth_month": {"4"},
		"work_capacity": {"temporary"}, "addiction": {""},
		"education":    {"none"},
		"income_gross": {"0"}, "income_net": {"700"}, "current_benefits": {"none"}, "debts": {"yes"},
		"rent": {"450"}, "rent_arrears": {"no"},
		"residence_status": {"german"},
	}, e.portal)
	for _, want := range []string{
		"Ihr Ergebnis", "Möglicherweise Anspruch", "Grundsicherung im Alter und bei Erwerbsminderung",
		"Sie haben die Regelaltersgrenze erreicht", "§ 41 Abs. 2 und 3 SGB XII",
		`href="/landkreis-harz/antrag/grusi"`, `href="/landkreis-harz/beratung?thema=`, "keine verbindliche Aussage",
		"Das prüft der Finder nicht", "Fehlende Angaben", "Suchtberatung", // addiction left open
		"563 €",
	} {
		if !strings.Contains(result, want) {
			t.Errorf("result lacks %q", want)
		}
	}
	// The secondary lists fold away (finding F26): what the finder does not
	// check behind a summary on every card, the reasons of a "probably
	// not" too; the reasons of a "possibly" stay open.
	possible, unlikely, _ := strings.Cut(result, `id="status-unlikely"`)
	if !strings.Contains(possible, `<h4 class="kern-heading-small">Warum?</h4>`) || strings.Contains(possible, "<summary>Warum?</summary>") {
		t.Error(`the reasons of "Möglicherweise Anspruch" are not open`)
	}
	if unlikely == "" || !strings.Contains(unlikely, "<summary>Warum?</summary>") || strings.Contains(unlikely, `<h4 class="kern-heading-small">Warum?</h4>`) {
		t.Error(`the reasons of "Wahrscheinlich kein Anspruch" are not folded`)
	}
	if strings.Contains(result, `<h4 class="kern-heading-small">Das prüft der Finder nicht</h4>`) || !strings.Contains(result, "<summary>Das prüft der Finder nicht</summary>") {
		t.Error("what the finder does not check is not folded")
	}
	// Back goes one page back and keeps the answers.
	page := b.get("/landkreis-harz/sozialleistungsfinder/schritt/2")
	if !strings.Contains(page.body, `value="1955"`) {
		t.Error("answers not kept in the session")
	}
	r := b.do("POST", "/landkreis-harz/sozialleistungsfinder/schritt/2", url.Values{"csrf": {csrf(t, page.body)}, "aktion": {"zurueck"}, "birth_year": {"1955"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/landkreis-harz/sozialleistungsfinder/schritt/1" {
		t.Errorf("back = %d %s", r.status, r.header.Get("Location"))
	}
	// Deleting the answers.
	intro := b.get("/landkreis-harz/sozialleistungsfinder/")
	r = b.do("POST", "/landkreis-harz/sozialleistungsfinder/loeschen", url.Values{"csrf": {csrf(t, intro.body)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("clear = %d", r.status)
	}
	if page := b.get("/landkreis-harz/sozialleistungsfinder/schritt/2"); strings.Contains(page.body, `value="1955"`) {
		t.Error("answers survived deletion")
	}
}

// TestFinderBadInput: tampered or wrong answers give messages next to the
// field, never a 500.
func TestFinderBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	page := b.get("/sozialleistungsfinder/schritt/1")
	tok := csrf(t, page.body)
	for _, tt := range []struct {
		form   url.Values
		status int
		want   string
	}{
		{url.Values{"children": {"99"}}, 422, "zwischen 0 und 15"},
		{url.Values{"children": {"zwei"}}, 422, "ganze Zahl"},
		{url.Values{"partner": {"vielleicht"}}, 422, "Ja oder Nein"},
		{url.Values{"children": {strings.Repeat("9", 5000)}}, 422, "ganze Zahl"},
		{url.Values{"unbekannt": {"1"}, "partner": {"yes"}}, 303, ""},
	} {
		tt.form.Set("csrf", tok)
		tt.form.Set("aktion", "weiter")
		r := b.do("POST", "/sozialleistungsfinder/schritt/1", tt.form)
		if r.status != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("POST %v = %d, want %d with %q", tt.form, r.status, tt.status, tt.want)
		}
		if tt.status == 422 && (!strings.Contains(r.body, `aria-invalid="true"`) && !strings.Contains(r.body, "kern-fieldset--error")) {
			t.Errorf("POST %v: error not tied to the field", tt.form)
		}
	}
	// Multi question with a forged option and too many values.
	page = b.get("/sozialleistungsfinder/schritt/5")
	r := b.do("POST", "/sozialleistungsfinder/schritt/5", url.Values{"csrf": {csrf(t, page.body)}, "aktion": {"weiter"},
		"current_benefits": {"none", "wohngeld", "x", "y", "z", "a", "b", "c", "d"}})
	if r.status != 422 {
		t.Errorf("forged multi = %d", r.status)
	}
	// Without a form token nothing is stored.
	if r := b.do("POST", "/sozialleistungsfinder/schritt/1", url.Values{"partner": {"yes"}}); r.status != http.StatusForbidden {
		t.Errorf("no token = %d", r.status)
	}
	// An oversized body.
	big := url.Values{"csrf": {tok}, "x": {strings.Repeat("a", 64<<10)}}
	if r := b.do("POST", "/sozialleistungsfinder/schritt/1", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized = %d", r.status)
	}
	if r := b.get("/sozialleistungsfinder/ergebnis"); r.status != 200 {
		t.Errorf("result after bad input = %d", r.status)
	}
}

// The answers live in a sealed cookie on the citizen's device. A cookie
// that was tampered with, sealed by another key or for another name, grown
// idle, or holding answers the rules reject never breaks the finder: it
// reads as no (or only the valid) answers.
func TestFinderCookieDamage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.portal
	now := p.now()
	other, err := newCookieSealer(nil)
	if err != nil {
		t.Fatal(err)
	}
	seal := func(s *cookieSealer, name string, st finderState) string { return s.seal(name, st.marshal()) }
	valid := finderState{Token: "tok", Answers: map[string]string{"children": "2"}, Saved: now.Unix()}
	good := seal(p.sealer, finderCookie, valid)
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 1
	tests := []struct {
		name, value string
		want        map[string]string
	}{
		{"valid", good, map[string]string{"children": "2"}},
		{"tampered", string(tampered), map[string]string{}},
		{"other key", seal(other, finderCookie, valid), map[string]string{}},
		{"moved from another cookie", seal(p.sealer, "sozialplattform", valid), map[string]string{}},
		{"idle too long", seal(p.sealer, finderCookie, finderState{Token: "tok", Answers: valid.Answers, Saved: now.Add(-finderIdle - time.Minute).Unix()}), map[string]string{}},
		{"invalid answers dropped", seal(p.sealer, finderCookie, finderState{Token: "tok", Saved: now.Unix(),
			Answers: map[string]string{"children": "-5", "x": "1", "partner": "yes"}}), map[string]string{"partner": "yes"}},
		{"not base64", "%%%", map[string]string{}},
		{"oversize", strings.Repeat("A", maxFinderCookieSize+1), map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/", nil)
			req.AddCookie(&http.Cookie{Name: finderCookie, Value: tt.value})
			st, _ := p.finderState(req)
			got := p.validAnswers(st)
			if len(got) != len(tt.want) {
				t.Fatalf("answers = %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("answers = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// The finder stores nothing on the server: answering every page leaves
// no session row behind.
func TestFinderStoresNothingOnServer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	walk(t, b, "/landkreis-harz/sozialleistungsfinder/", map[string][]string{"partner": {"no"}}, e.portal)
	n, err := e.portal.db.Read.NewSelect().Table("sessions").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d server sessions after the finder, want 0", n)
	}
}

// A page posted with a mistake answers 422 with the page again. When the
// cookie is old enough to be refreshed, that answer must still carry the
// answers just saved, not the stale ones of the request.
func TestFinderMistakeKeepsTheSavedAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.portal
	old := finderState{Token: "tok", Answers: map[string]string{"partner": "yes", "rent": "450"}, Saved: p.now().Add(-finderRefreshAfter - time.Minute).Unix()}
	form := url.Values{"csrf": {"tok"}, "aktion": {"weiter"}, "partner": {"no"}, "children": {"-5"}}
	req := httptest.NewRequest("POST", "/sozialleistungsfinder/schritt/1", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: finderCookie, Value: p.sealer.seal(finderCookie, old.marshal())})
	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", rec.Code)
	}
	var last *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == finderCookie {
			last = c
		}
	}
	if last == nil {
		t.Fatal("no finder cookie set")
	}
	check := httptest.NewRequest("GET", "/", nil)
	check.AddCookie(last)
	st, ok := p.finderState(check)
	if !ok || st.Answers["partner"] != "no" || st.Answers["rent"] != "450" || st.Token != "tok" {
		t.Errorf("the browser keeps %+v (valid %v), want partner=no, rent kept, same token", st, ok)
	}
}
