package www

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"sozialplattform/tenant/i18n"
	"strconv"
	"strings"
)

// Language is a language of the portal.
type Language struct {
	Code   string // BCP 47: "de", "en", "ar", …
	Native string // its name in itself: "Deutsch", "العربية"
	RTL    bool
}

// Dir is the value of the HTML dir attribute.
func (l Language) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// Languages are the portal's languages; German first, the default and
// the fallback of content.
var Languages = []Language{
	{Code: "de", Native: "Deutsch"},
	{Code: "en", Native: "English"},
	{Code: "ar", Native: "العربية", RTL: true},
	{Code: "uk", Native: "Українська"},
	{Code: "tr", Native: "Türkçe"},
	{Code: "ru", Native: "Русский"},
}

// languageByCode returns a supported language.
func languageByCode(code string) (Language, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// Catalogue holds one language's UI texts.
type Catalogue struct {
	lang Language
	msgs map[string]string
}

// loadCatalogues reads messages/<code>.json for every language.
func loadCatalogues() (map[string]*Catalogue, error) {
	out := map[string]*Catalogue{}
	for _, l := range Languages {
		raw, err := fs.ReadFile(i18n.Files(), l.Code+".json")
		if err != nil {
			return nil, fmt.Errorf("portal messages %s: %w", l.Code, err)
		}
		msgs := map[string]string{}
		if err := json.Unmarshal(raw, &msgs); err != nil {
			return nil, fmt.Errorf("portal messages %s: %w", l.Code, err)
		}
		out[l.Code] = &Catalogue{lang: l, msgs: msgs}
	}
	return out, nil
}

// Has reports whether the catalogue holds key.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// T returns the text for key; a missing key shows as the key itself (the
// completeness test and the start-up check keep that from happening).
func (c *Catalogue) T(key string) string {
	if s, ok := c.msgs[key]; ok {
		return s
	}
	return key
}

// Tf returns the text for key with {0}, {1} … replaced by args.
func (c *Catalogue) Tf(key string, args ...any) string {
	s := c.T(key)
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return s
}

// TfIsolated is Tf for HTML: the text is escaped and each argument set in
// <bdi>, so that German names and numbers keep their order inside an
// Arabic sentence ("الجهة المختصة: Landkreis Harz").
func (c *Catalogue) TfIsolated(key string, args ...any) template.HTML {
	s := html.EscapeString(c.T(key))
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", "<bdi>"+html.EscapeString(fmt.Sprint(a))+"</bdi>")
	}
	return template.HTML(s) // #nosec G203 -- escaped above
}

// Named returns the text for key with {name} placeholders replaced; a
// placeholder without a value stays as it is. One pass, no replacer to
// build: the finder's result page calls it for every reason.
func (c *Catalogue) Named(key string, values map[string]string) string {
	s := c.T(key)
	if len(values) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		name := s[open+1 : open+end]
		v, ok := values[name]
		b.WriteString(s[:open])
		if ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[open : open+end+1])
		}
		s = s[open+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// Money formats a euro amount the way the language writes it.
func (c *Catalogue) Money(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v != float64(int64(v)) {
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	if c.lang.Code != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	if c.lang.Code == "en" {
		return "€" + s
	}
	return s + " €"
}

// Number formats a plain number (an age, a count of months) the way the
// language writes it, without a unit.
func (c *Catalogue) Number(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if c.lang.Code != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// langCookie remembers the chosen language.
const langCookie = "sprache"

// negotiate picks the request's language: ?lang= (remembered in a cookie
// when supported), then the cookie, then Accept-Language, then German. An
// unsupported ?lang= is ignored.
func (p *Portal) negotiate(w http.ResponseWriter, r *http.Request) Language {
	if code := r.URL.Query().Get("lang"); code != "" {
		if l, ok := languageByCode(code); ok {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode})
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := languageByCode(c.Value); ok {
			return l
		}
	}
	return fromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// fromAcceptLanguage returns the supported language with the highest
// quality in an Accept-Language header ("uk-UA,uk;q=0.9,en;q=0.5" →
// Ukrainian), German when none is supported.
func fromAcceptLanguage(header string) Language {
	if len(header) > 500 {
		header = header[:500]
	}
	best, bestQ := Languages[0], 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				continue
			}
			q = f
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if l, ok := languageByCode(base); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
