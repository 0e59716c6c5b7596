package forms

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"sozialplattform/tenant/i18n"
)

// sameAsGerman lists the texts that may read as in German in a language:
// names, codes and words that the language spells the same way. Anything
// else equal to the German is an untranslated copy.
var sameAsGerman = map[string][]string{
	"IBAN":       {"en", "ar", "uk", "tr", "ru"},
	"BIC":        {"en", "ar", "uk", "tr", "ru"},
	"Situation":  {"en"},
	"Person {n}": {"en"},
	"Person {0}": {"en"},
}

// legalReference finds what a translation keeps as written in German: the
// paragraphs and books of the law ("§§ 60", "SGB I", "Art. 13") and the
// placeholders of the engine ("{n}", "{0}").
var legalReference = regexp.MustCompile(`§+ ?\d+[a-z]?|\bSGB [IVX]+\b|\bArt\. \d+|\{[a-z0-9]+\}`)

// TestDefinitionTextsTranslated: every text of every form definition is in
// every portal language (the loader refuses less), none is a copy of the
// German except the few in sameAsGerman, and each keeps the German's
// legal references and placeholders.
func TestDefinitionTextsTranslated(t *testing.T) {
	t.Parallel()
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, key := range r.Keys() {
		d, _ := r.Latest(key)
		d.eachText(func(where string, text Text, _ bool) {
			if len(text) == 0 {
				return
			}
			n++
			checkTranslation(t, d.ID()+" "+where, text)
		})
	}
	if n < 400 {
		t.Errorf("only %d texts walked; the walk misses parts of the definitions", n)
	}
}

// TestEngineMessagesTranslated: the engine's own messages meet the same
// rule as the definitions.
func TestEngineMessagesTranslated(t *testing.T) {
	t.Parallel()
	n := 0
	for _, key := range i18n.Default().German().Keys() {
		if !strings.HasPrefix(key, i18n.FieldPrefix) && !strings.HasPrefix(key, "form.person.") {
			continue
		}
		n++
		checkTranslation(t, "message "+key, catalogueText(key))
	}
	if n < 30 {
		t.Errorf("only %d engine messages in the catalogue", n)
	}
	for _, tt := range []struct {
		lang string
		key  msgKey
		args []any
		want string
	}{
		{"uk", msgPersonN, []any{2}, "Особа 2"},
		{"ar", msgApplicant, nil, "مقدّم الطلب"},
		{"tr", msgRequired, nil, "Lütfen bu alanı doldurun."},
		{"de", msgRowsMin, []any{1}, "Bitte machen Sie mindestens einen Eintrag."},
		{"de", msgRowsMin, []any{3}, "Bitte machen Sie mindestens 3 Einträge."},
		{"ru", msgRowsMin, []any{1}, "Пожалуйста, добавьте хотя бы одну запись."},
		{"ru", msgRowsMin, []any{21}, "Пожалуйста, добавьте записи (минимум: 21)."},
		{"fr", msgPhone, nil, "Bitte geben Sie eine Telefonnummer mit Ziffern an, z. B. 0391 567-0 oder +49 391 567-0 (erlaubt sind außerdem Leerzeichen, /, -, Punkt und Klammern)."},
	} {
		if got := message(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("message(%s, %s) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
}

func checkTranslation(t *testing.T, where string, text Text) {
	t.Helper()
	if err := text.complete(true); err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	de := text["de"]
	refs := legalReference.FindAllString(de, -1)
	for _, lang := range Languages[1:] {
		s := text[lang]
		if s == de && !slices.Contains(sameAsGerman[de], lang) {
			t.Errorf("%s: %s is the German text %q", where, lang, de)
		}
		for _, ref := range refs {
			if !strings.Contains(s, ref) {
				t.Errorf("%s: %s lacks %q of the German: %q", where, lang, ref, s)
			}
		}
	}
}

// catalogueText is a catalogue text in every language, as a form
// definition's Text. A plural form a language does not have (Russian
// says "=1" where German says "one") is that language's text for the
// count the form names.
func catalogueText(key string) Text {
	out := Text{}
	for _, l := range Languages {
		c := i18n.Default().Catalogue(l)
		switch {
		case c.Has(key):
			out[l] = c.T(key)
		case strings.HasSuffix(key, ".one"):
			out[l] = c.Plural(strings.TrimSuffix(key, ".one"), 1)
		case strings.HasSuffix(key, ".other"):
			out[l] = c.Plural(strings.TrimSuffix(key, ".other"), 5)
		}
	}
	return out
}

// engineText is the engine's text for key in every language.
func engineText(key msgKey) Text { return catalogueText(messageKey(key)) }

// TestLanguagesAreThePlatforms: a definition's texts are in exactly the
// languages tenant/i18n holds catalogues for, in the same order.
func TestLanguagesAreThePlatforms(t *testing.T) {
	var codes []string
	for _, l := range i18n.Languages {
		codes = append(codes, l.Code)
	}
	if !slices.Equal(Languages, codes) {
		t.Errorf("forms.Languages = %v, i18n.Languages = %v", Languages, codes)
	}
}
