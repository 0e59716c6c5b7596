package i18n

import (
	"strconv"
	"strings"
)

// Language is a language of the platform's texts.
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

// German is the code of the template language and the fallback.
const German = "de"

// Languages are the languages texts exist in; German first, the default
// and the fallback. Callers read it and never change it.
var Languages = []Language{
	{Code: "de", Native: "Deutsch"},
	{Code: "en", Native: "English"},
	{Code: "ar", Native: "العربية", RTL: true},
	{Code: "uk", Native: "Українська"},
	{Code: "tr", Native: "Türkçe"},
	{Code: "ru", Native: "Русский"},
}

// ByCode returns a supported language.
func ByCode(code string) (Language, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return Language{}, false
}

// FromAcceptLanguage returns the supported language with the highest
// quality in an Accept-Language header ("uk-UA,uk;q=0.9,en;q=0.5" →
// Ukrainian), German when none is supported. Only the first 500 bytes
// are read: the header is the client's.
func FromAcceptLanguage(header string) Language {
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
		if l, ok := ByCode(base); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
