package www

import (
	"html"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/portal/site"
	"sozialplattform/tenant/mail"
)

// TestCataloguesComplete: every key a template uses is in the German
// catalogue (tenant/i18n checks that every translation has the keys of
// German, with its placeholders).
func TestCataloguesComplete(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	de := cats["de"]
	used := regexp.MustCompile(`\b(?:t|tf) "([a-z0-9._-]+)"`)
	err = fs.WalkDir(files, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, _ := fs.ReadFile(files, name)
		for _, m := range used.FindAllStringSubmatch(string(raw), -1) {
			if !de.Has(m[1]) {
				t.Errorf("%s uses unknown message %s", name, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestContentComplete(t *testing.T) {
	t.Parallel()
	cs, err := loadContent(files)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range site.Services {
		c, fallback, ok := cs.service("de", s.Key)
		if !ok || fallback || c.Title == "" || len(c.What) == 0 || len(c.Who) == 0 || len(c.Needs) == 0 || c.Duration == "" || c.Costs == "" || c.Law == "" || len(c.More) == 0 {
			t.Errorf("German content of %s incomplete", s.Key)
		}
		for _, m := range c.More {
			if !strings.HasPrefix(m.URL, "https://") {
				t.Errorf("%s: link %s is not https", s.Key, m.URL)
			}
		}
	}
	for _, page := range []string{"barrierefreiheit", "impressum", "datenschutz", "ls-start", "ls-navigation", "ls-barrierefreiheit"} {
		if _, _, ok := cs.page("de", page); !ok {
			t.Errorf("page %s missing", page)
		}
	}
	// A translated entry is used as it is (content_test.go checks every
	// translation); an entry a language lacks – the Leichte Sprache pages
	// are German only – falls back to German and says so.
	if c, fallback, ok := cs.service("en", "hzl"); !ok || fallback || c.Title == "" || c.Title == cs.services["de"]["hzl"].Title {
		t.Errorf("English hzl: fallback %v, title %q", fallback, c.Title)
	}
	if c, fallback, ok := cs.page("en", "ls-start"); !ok || !fallback || c.Title != cs.pages["de"]["ls-start"].Title {
		t.Errorf("English ls-start: fallback %v, title %q", fallback, c.Title)
	}
}

func TestLanguageNegotiation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Every language has every service; for the fallback check below this
	// portal's content leaves out the Arabic wbs entry (before any request,
	// so the page cache holds no Arabic version of the page).
	stripped := *e.portal.content
	stripped.services = maps.Clone(stripped.services)
	stripped.services["ar"] = maps.Clone(stripped.services["ar"])
	delete(stripped.services["ar"], "wbs")
	e.portal.content = &stripped
	for _, tt := range []struct {
		path, accept, cookie string
		lang, dir            string
	}{
		{"/", "", "", "de", "ltr"},
		{"/", "uk-UA,uk;q=0.9,en;q=0.5", "", "uk", "ltr"},
		{"/", "fr-FR, en;q=0.3", "", "en", "ltr"},
		{"/", "fr-FR", "", "de", "ltr"},
		{"/?lang=ar", "", "", "ar", "rtl"},
		{"/?lang=xx", "tr", "", "tr", "ltr"},
		{"/", "en", "ru", "ru", "ltr"},
		{"/?lang=de", "", "ru", "de", "ltr"},
	} {
		b := e.browser(t)
		hdr := []string{}
		if tt.accept != "" {
			hdr = append(hdr, "Accept-Language", tt.accept)
		}
		if tt.cookie != "" {
			hdr = append(hdr, "Cookie", langCookie+"="+tt.cookie)
		}
		r := b.do("GET", tt.path, nil, hdr...)
		want := `<html lang="` + tt.lang + `" dir="` + tt.dir + `">`
		if !strings.Contains(r.body, want) {
			t.Errorf("%s (Accept-Language %q, cookie %q): want %s", tt.path, tt.accept, tt.cookie, want)
		}
	}
	// The choice is remembered.
	b := e.browser(t)
	b.get("/?lang=tr")
	if r := b.get("/leistungen/"); !strings.Contains(r.body, `lang="tr"`) {
		t.Error("language not remembered")
	}
	// Translated content: the page in the language, without the notice.
	notice := func(lang string) string { return html.EscapeString(e.portal.cats[lang].T("content.fallback.text")) }
	for _, tt := range []struct{ path, lang, title string }{
		{"/leistungen/hzl?lang=en", "en", e.portal.content.services["en"]["hzl"].Title},
		{"/leistungen/grusi?lang=ar", "ar", e.portal.content.services["ar"]["grusi"].Title},
		{"/barrierefreiheit?lang=uk", "uk", e.portal.content.pages["uk"]["barrierefreiheit"].Title},
		{"/datenschutz?lang=tr", "tr", e.portal.content.pages["tr"]["datenschutz"].Title},
	} {
		r := b.get(tt.path)
		if tt.title == "" || !strings.Contains(r.body, `<html lang="`+tt.lang+`"`) || !strings.Contains(r.body, html.EscapeString(tt.title)) || strings.Contains(r.body, notice(tt.lang)) {
			t.Errorf("%s: not translated (title %q) or with the fallback notice", tt.path, tt.title)
		}
	}
	// Leichte Sprache stays German in every language, marked as German.
	if r := b.get("/leichte-sprache/?lang=en"); !strings.Contains(r.body, `<html lang="de"`) || !strings.Contains(r.body, html.EscapeString(e.portal.content.pages["de"]["ls-start"].Title)) {
		t.Error("Leichte Sprache in English is not the German page")
	}
	// Content missing in a language (wbs in Arabic, left out above):
	// German with a notice.
	if r := b.get("/leistungen/wbs?lang=ar"); !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, notice("ar")) ||
		!strings.Contains(r.body, html.EscapeString(e.portal.content.services["de"]["wbs"].Title)) {
		t.Error("no fallback notice")
	}
	// 404 in the chosen language.
	if r := b.get("/unbekannt-xyz/?lang=en"); r.status != 404 || !strings.Contains(r.body, e.portal.cats["en"].T("error.notfound.title")) {
		t.Errorf("404 = %d in English? %v", r.status, strings.Contains(r.body, "Page not found"))
	}
}

func TestFeedback(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	page := b.get("/landkreis-harz/barrierefreiheit?lang=en")
	tok := csrf(t, page.body)
	r := b.do("POST", "/landkreis-harz/barrierefreiheit", url.Values{"csrf": {tok}, "nachricht": {""}, "email": {"keine"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty message = %d", r.status)
	}
	for _, want := range []string{`id="nachricht-fehler"`, `id="email-fehler"`, `aria-invalid="true"`, e.portal.cats["en"].T("feedback.error.message")} {
		if !strings.Contains(r.body, want) {
			t.Errorf("error page lacks %s", want)
		}
	}
	if r := b.do("POST", "/landkreis-harz/barrierefreiheit", url.Values{"nachricht": {"x"}}); r.status != http.StatusForbidden {
		t.Errorf("without token = %d", r.status)
	}
	r = b.do("POST", "/landkreis-harz/barrierefreiheit", url.Values{"csrf": {tok}, "nachricht": {"Der Kontrast im Kopf ist zu gering."},
		"seite": {"/landkreis-harz/"}, "email": {"melder@example.org"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("feedback = %d %s", r.status, r.body)
	}
	mails, err := e.outbox.List(t.Context(), mail.ListFilter{TenantIDs: []string{e.harz.ID}})
	if err != nil || len(mails) != 1 || mails[0].To != e.harz.FunctionMailbox || mails[0].Template != TemplateAccessibilityFeedback {
		t.Fatalf("mails = %+v, %v", mails, err)
	}
	full, _ := e.outbox.Get(t.Context(), mails[0].ID)
	if !strings.Contains(full.TextBody, "Der Kontrast im Kopf ist zu gering.") || !strings.Contains(full.TextBody, "English") {
		t.Errorf("mail body:\n%s", full.TextBody)
	}
}

func TestCaching(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	r := b.get("/leistungen/hzl")
	etag := r.header.Get("ETag")
	if etag == "" || r.header.Get("Cache-Control") != "no-cache" || !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
		t.Fatalf("headers %v", r.header)
	}
	if r := b.do("GET", "/leistungen/hzl", nil, "If-None-Match", etag); r.status != http.StatusNotModified {
		t.Errorf("revalidation = %d", r.status)
	}
	if r := b.get("/sozialleistungsfinder/schritt/1"); r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("finder page Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	css := b.get("/landkreis-harz/marke.css")
	v := css.header.Get("ETag")
	page := b.get("/landkreis-harz/")
	m := regexp.MustCompile(`/landkreis-harz/marke\.css\?v=([0-9a-f]+)`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatal("page does not link the brand stylesheet")
	}
	if r := b.get(m[0]); r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || `"`+m[1]+`"` != v {
		t.Errorf("brand css %v", r.header)
	}
	own := regexp.MustCompile(`/static/portal/portal\.[0-9a-f]{8}\.css`).FindString(page.body)
	if r := b.get(own); r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("portal.css = %d %v", r.status, r.header)
	}
	// No inline style or script anywhere (the CSP forbids them).
	for _, path := range []string{"/", "/landkreis-harz/", "/sozialleistungsfinder/schritt/5", "/sozialleistungsfinder/ergebnis", "/barrierefreiheit"} {
		body := b.get(path).body
		if strings.Contains(body, "style=") || strings.Contains(body, "<style") || strings.Contains(body, "<script") {
			t.Errorf("%s has inline style or script", path)
		}
	}
}

func TestBranding(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := e.portal.site.SaveSettings(t.Context(), e.harz.ID, site.SettingsInput{PrimaryColor: "#5a1e6e"}, 0); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	if r := b.get("/landkreis-harz/marke.css"); !strings.Contains(r.body, "--portal-primary: #5a1e6e;") {
		t.Errorf("css = %s", r.body)
	}
	if r := b.get("/landkreis-harz/logo.png"); r.status != 404 {
		t.Errorf("logo without upload = %d", r.status)
	}
}

func TestFinderAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, api := humatest.New(t)
	e.portal.RegisterAPI(api)
	resp := api.Post("/v1/finder/evaluate", map[string]any{"answers": map[string]any{
		"birth_year": 1955, "birth_month": 3, "work_capacity": "temporary", "income_net": 600, "rent": 400, "partner": false,
		"children": 0, "residence_status": "german", "current_benefits": []string{}}})
	if resp.Code != 200 {
		t.Fatalf("evaluate = %d %s", resp.Code, resp.Body.String())
	}
	body := resp.Body.String()
	for _, want := range []string{`"benefit":"grusi","name":"Grundsicherung im Alter und bei Erwerbsminderung","status":"possible"`, `"rulesVersion":"2026-01"`, `"missing":[{"question":"addiction"`} {
		if !strings.Contains(body, want) {
			t.Errorf("answer lacks %s", want)
		}
	}
	for _, tt := range []struct {
		answers map[string]any
		field   string
	}{
		{map[string]any{"unbekannt": 1}, "body.answers.unbekannt"},
		{map[string]any{"children": 99}, "body.answers.children"},
		{map[string]any{"children": 1.5}, "body.answers.children"},
		{map[string]any{"partner": "ja"}, "body.answers.partner"},
		{map[string]any{"residence_status": "mars"}, "body.answers.residence_status"},
		{map[string]any{"current_benefits": []string{"none", "wohngeld"}}, "body.answers.current_benefits"},
	} {
		resp := api.Post("/v1/finder/evaluate", map[string]any{"answers": tt.answers})
		if resp.Code != 422 || !strings.Contains(resp.Body.String(), tt.field) {
			t.Errorf("%v = %d %s", tt.answers, resp.Code, resp.Body.String())
		}
	}
	if resp := api.Get("/v1/finder/questions?lang=uk"); resp.Code != 200 || !strings.Contains(resp.Body.String(), `"id":"household"`) {
		t.Errorf("questions = %d", resp.Code)
	}
	if !slices.Contains([]int{200}, api.Get("/v1/finder/questions").Code) {
		t.Error("questions in German")
	}
}
