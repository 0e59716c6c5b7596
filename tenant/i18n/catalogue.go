package i18n

import (
	"fmt"
	"html"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Catalogue holds one language's texts, with German behind it for what
// the language lacks. It is read-only once loaded and safe for concurrent
// use.
type Catalogue struct {
	lang     Language
	msgs     map[string]string
	fallback *Catalogue // German; nil for German itself
}

// Text is a looked-up text and the language it is in, which differs from
// the catalogue's when the text fell back to German.
type Text struct {
	Value    string
	Lang     string
	Fallback bool
}

func (t Text) String() string { return t.Value }

// HTML is the escaped text; a text that fell back is wrapped in
// <span lang="de">, so that a screen reader reads it as German inside a
// page in another language.
func (t Text) HTML() template.HTML {
	s := html.EscapeString(t.Value)
	if t.Fallback {
		s = `<span lang="` + t.Lang + `">` + s + `</span>`
	}
	return template.HTML(s) // #nosec G203 -- escaped above
}

// Lang is the catalogue's language.
func (c *Catalogue) Lang() Language { return c.lang }

// Has reports whether the catalogue itself holds key, without falling
// back to German.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.msgs[key]
	return ok
}

// Keys are the catalogue's own keys, sorted.
func (c *Catalogue) Keys() []string { return slices.Sorted(maps.Keys(c.msgs)) }

// Lookup returns the text for key: the catalogue's own, else the German
// one marked as fallback. ok is false when not even German has the key;
// the text is then the key itself, so that a gap shows instead of an
// empty place (the completeness tests keep that from happening).
func (c *Catalogue) Lookup(key string) (t Text, ok bool) {
	if s, ok := c.msgs[key]; ok {
		return Text{Value: s, Lang: c.lang.Code}, true
	}
	if c.fallback != nil {
		if s, ok := c.fallback.msgs[key]; ok {
			return Text{Value: s, Lang: c.fallback.lang.Code, Fallback: true}, true
		}
	}
	return Text{Value: key, Lang: c.lang.Code}, false
}

// T returns the text for key (see Lookup).
func (c *Catalogue) T(key string) string {
	t, _ := c.Lookup(key)
	return t.Value
}

// Tf returns the text for key with {0}, {1} … replaced by args.
func (c *Catalogue) Tf(key string, args ...any) string {
	return positional(c.T(key), args, fmt.Sprint)
}

// TfIsolated is Tf for HTML: the text is escaped and each argument set in
// <bdi>, so that German names and numbers keep their order inside an
// Arabic sentence ("الجهة المختصة: Landkreis Harz").
func (c *Catalogue) TfIsolated(key string, args ...any) template.HTML {
	s := positional(html.EscapeString(c.T(key)), args, func(a ...any) string {
		return "<bdi>" + html.EscapeString(fmt.Sprint(a...)) + "</bdi>"
	})
	return template.HTML(s) // #nosec G203 -- escaped above
}

func positional(s string, args []any, format func(...any) string) string {
	for i, a := range args {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", format(a))
	}
	return s
}

// Plural returns the form of key for the count n – key+".="+n for an
// exact count, else key+"."+the language's plural category, else
// key+".other" – with {0} replaced by n and {1}, {2} … by args.
func (c *Catalogue) Plural(key string, n int, args ...any) string {
	return c.Tf(c.pluralKey(key, n), append([]any{n}, args...)...)
}

// IsPlural reports whether key is a plural, that is German has its
// ".other" form.
func (c *Catalogue) IsPlural(key string) bool {
	de := c
	if c.fallback != nil {
		de = c.fallback
	}
	return de.Has(key + ".other")
}

// pluralKey picks the key of the form for n; it falls back to German's
// forms only when the language has none of the key's forms.
func (c *Catalogue) pluralKey(key string, n int) string {
	for _, cat := range []*Catalogue{c, c.fallback} {
		if cat == nil {
			continue
		}
		for _, k := range []string{key + ".=" + strconv.Itoa(n), key + "." + pluralCategory(cat.lang.Code, n), key + ".other"} {
			if cat.Has(k) {
				return k
			}
		}
	}
	return key
}

// Named returns the text for key with {name} placeholders replaced; a
// placeholder without a value stays as it is. One pass, no replacer to
// build: the finder's result page calls it for every reason.
func (c *Catalogue) Named(key string, values map[string]string) string {
	return named(c.T(key), values)
}

func named(s string, values map[string]string) string {
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
	if c.lang.Code == "en" {
		return "€" + s
	}
	return strings.Replace(s, ".", ",", 1) + " €"
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
