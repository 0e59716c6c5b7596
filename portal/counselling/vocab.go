package counselling

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// A Term is one entry of a fixed vocabulary: a stable key for the API, the
// CSV and the search, and its German label.
type Term struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Ways of counselling.
var Ways = []Term{
	{"on-site", "vor Ort"},
	{"phone", "telefonisch"},
	{"video", "per Video"},
	{"chat", "per Chat"},
	{"home-visit", "aufsuchend (Hausbesuch)"},
}

// Accessibility features of a centre.
var Accessibility = []Term{
	{"step-free", "stufenloser Zugang"},
	{"accessible-toilet", "barrierefreie Toilette"},
	{"hearing-loop", "Induktionsschleife (Höranlage)"},
	{"sign-language", "Beratung in Gebärdensprache"},
	{"easy-language", "Beratung in Leichter Sprache"},
	{"tactile-guidance", "Blindenleitsystem"},
	{"disabled-parking", "Behindertenparkplatz"},
}

// knownTerm reports whether key belongs to the vocabulary.
func knownTerm(terms []Term, key string) bool {
	return slices.ContainsFunc(terms, func(t Term) bool { return t.Key == key })
}

// TermLabel returns the German label of a key, or the key itself.
func TermLabel(terms []Term, key string) string {
	for _, t := range terms {
		if t.Key == key {
			return t.Label
		}
	}
	return key
}

// ValidLanguage reports whether code is an ISO 639-1 code (two lower-case
// letters) that names a language, in its canonical form ("iw" is refused in
// favour of "he").
func ValidLanguage(code string) bool {
	if len(code) != 2 || strings.ToLower(code) != code {
		return false
	}
	if slices.Contains(deprecatedLanguages, code) {
		return false
	}
	b, err := language.ParseBase(code)
	return err == nil && b.String() == code
}

// deprecatedLanguages are ISO 639-1 codes withdrawn in favour of others
// (iw → he, in → id, ji → yi, jw → jv, mo → ro, sh → sr/hr/bs).
var deprecatedLanguages = []string{"iw", "in", "ji", "jw", "mo", "sh"}

// LanguageName names the language code in the language display (a BCP 47
// tag such as "de" or "uk"); unknown display languages fall back to
// German.
func LanguageName(code, displayIn string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	d, ok := dictionaries[displayIn]
	if !ok {
		d = display.German
	}
	n := d.Languages().Name(tag)
	if n == "" {
		n = display.German.Languages().Name(tag)
	}
	if n == "" {
		return code
	}
	return n
}

// dictionaries are the language names of the portal's languages (only
// these, to keep the binary's tables small).
var dictionaries = map[string]*display.Dictionary{
	"de": display.German, "en": display.English, "ar": display.Arabic,
	"uk": display.Ukrainian, "tr": display.Turkish, "ru": display.Russian,
}
