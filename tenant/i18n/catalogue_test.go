package i18n

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"sozialplattform/tenant/fault"
)

// testBundle is a small catalogue set: a translated area "ui" (English
// lacks one key, Russian and Arabic have their own plural forms) and a
// German-only area "staff".
func testBundle(t *testing.T) *Bundle {
	t.Helper()
	fsys := fstest.MapFS{
		"c/ui/de.json": {Data: []byte(`{"hello": "Guten Tag, {0}!", "only.de": "Nur Deutsch",
			"rows.one": "ein Eintrag", "rows.other": "{0} Einträge", "field.max": "Höchstens {max} Zeichen",
			"greet": "Hallo {name} aus {place}"}`)},
		"c/ui/en.json": {Data: []byte(`{"hello": "Good day, {0}!", "rows.one": "one entry", "rows.other": "{0} entries",
			"field.max": "At most {max} characters", "greet": "Hello {name} from {place}"}`)},
		"c/ui/ru.json": {Data: []byte(`{"hello": "Добрый день, {0}!", "only.de": "Только немецкий", "rows.=1": "одна запись",
			"rows.one": "{0} запись", "rows.few": "{0} записи", "rows.many": "{0} записей", "rows.other": "{0} записи",
			"field.max": "Не более {max} символов", "greet": "Привет, {name}"}`)},
		"c/staff/de.json": {Data: []byte(`{"notice.saved": "Gespeichert."}`)},
	}
	b, err := load(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLookup(t *testing.T) {
	b := testBundle(t)
	for _, tt := range []struct {
		name, lang, key string
		want            Text
		ok              bool
	}{
		{"own text", "en", "hello", Text{Value: "Good day, {0}!", Lang: "en"}, true},
		{"German itself", "de", "only.de", Text{Value: "Nur Deutsch", Lang: "de"}, true},
		{"missing translation falls back to German, marked", "en", "only.de", Text{Value: "Nur Deutsch", Lang: "de", Fallback: true}, true},
		{"German-only area falls back on purpose", "ru", "notice.saved", Text{Value: "Gespeichert.", Lang: "de", Fallback: true}, true},
		{"unknown key shows the key", "en", "nope", Text{Value: "nope", Lang: "en"}, false},
		{"unknown language is German", "fr", "hello", Text{Value: "Guten Tag, {0}!", Lang: "de"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := b.Catalogue(tt.lang).Lookup(tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Lookup(%s) = %+v, %v; want %+v, %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFallbackHTML(t *testing.T) {
	b := testBundle(t)
	for _, tt := range []struct{ lang, key, want string }{
		{"en", "hello", "Good day, {0}!"},
		{"en", "only.de", `<span lang="de">Nur Deutsch</span>`},
		{"de", "only.de", "Nur Deutsch"},
	} {
		got, _ := b.Catalogue(tt.lang).Lookup(tt.key)
		if string(got.HTML()) != tt.want {
			t.Errorf("%s %s: %s, want %s", tt.lang, tt.key, got.HTML(), tt.want)
		}
	}
	if got := (Text{Value: "<b>", Lang: "de", Fallback: true}).HTML(); got != `<span lang="de">&lt;b&gt;</span>` {
		t.Errorf("not escaped: %s", got)
	}
}

func TestParameters(t *testing.T) {
	b := testBundle(t)
	en, ru := b.Catalogue("en"), b.Catalogue("ru")
	for _, tt := range []struct{ name, got, want string }{
		{"positional", en.Tf("hello", "Ada"), "Good day, Ada!"},
		{"positional, missing argument stays", en.Tf("hello"), "Good day, {0}!"},
		{"isolated", string(en.TfIsolated("hello", "<Ada>")), "Good day, <bdi>&lt;Ada&gt;</bdi>!"},
		{"named", en.Named("greet", map[string]string{"name": "Ada", "place": "Halle"}), "Hello Ada from Halle"},
		{"named, unknown stays", en.Named("greet", map[string]string{"name": "Ada"}), "Hello Ada from {place}"},
		{"named, translation drops one", ru.Named("greet", map[string]string{"name": "Ada", "place": "Halle"}), "Привет, Ada"},
		{"money de", b.Catalogue("de").Money(1234.5), "1234,50 €"},
		{"money en", en.Money(45), "€45"},
		{"number de", b.Catalogue("de").Number(2.5), "2,5"},
		{"number en", en.Number(2.5), "2.5"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	b := testBundle(t)
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"de", 1, "ein Eintrag"},
		{"de", 0, "0 Einträge"},
		{"de", 2, "2 Einträge"},
		{"en", 1, "one entry"},
		{"en", 21, "21 entries"},
		{"ru", 1, "одна запись"}, // the exact form beats the category
		{"ru", 21, "21 запись"},
		{"ru", 3, "3 записи"},
		{"ru", 5, "5 записей"},
		{"ru", 12, "12 записей"},
		{"ar", 1, "ein Eintrag"}, // no Arabic file: German forms, German rule
		{"ar", 7, "7 Einträge"},
	} {
		if got := b.Catalogue(tt.lang).Plural("rows", tt.n); got != tt.want {
			t.Errorf("%s %d: %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestPluralCategory(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    []int
		want string
	}{
		{"de", []int{1}, "one"},
		{"de", []int{0, 2, 11, 21}, "other"},
		{"tr", []int{1}, "one"},
		{"ar", []int{0}, "zero"},
		{"ar", []int{1}, "one"},
		{"ar", []int{2}, "two"},
		{"ar", []int{3, 10, 103}, "few"},
		{"ar", []int{11, 99, 111}, "many"},
		{"ar", []int{100, 102}, "other"},
		{"uk", []int{1, 21, 101}, "one"},
		{"uk", []int{2, 4, 22}, "few"},
		{"ru", []int{0, 5, 11, 12, 14, 111}, "many"},
	} {
		for _, n := range tt.n {
			if got := pluralCategory(tt.lang, n); got != tt.want {
				t.Errorf("%s %d: %s, want %s", tt.lang, n, got, tt.want)
			}
		}
	}
}

func TestField(t *testing.T) {
	b := testBundle(t)
	coded := fault.FieldError{Field: "name", Code: "max", Params: map[string]any{"max": 100}, Message: "Höchstens 100 Zeichen"}
	prose := fault.FieldError{Field: "name", Message: "Der Name fehlt."}
	unknown := fault.FieldError{Field: "name", Code: "nope", Message: "Etwas stimmt nicht."}
	for _, tt := range []struct {
		name, lang string
		e          fault.FieldError
		want       Text
	}{
		{"code in the language", "en", coded, Text{Value: "At most 100 characters", Lang: "en"}},
		{"code in German", "de", coded, Text{Value: "Höchstens 100 Zeichen", Lang: "de"}},
		{"German prefers the domain's own message", "de", fault.FieldError{Code: "max", Params: map[string]any{"max": 5}, Message: "Höchstens 5 Zeichen im Namen"},
			Text{Value: "Höchstens 5 Zeichen im Namen", Lang: "de"}},
		{"code without a message in German", "de", fault.FieldError{Code: "max", Params: map[string]any{"max": 5}}, Text{Value: "Höchstens 5 Zeichen", Lang: "de"}},
		{"prose stays German, marked", "en", prose, Text{Value: "Der Name fehlt.", Lang: "de", Fallback: true}},
		{"prose in German is not a fallback", "de", prose, Text{Value: "Der Name fehlt.", Lang: "de"}},
		{"unknown code keeps the message", "ru", unknown, Text{Value: "Etwas stimmt nicht.", Lang: "de", Fallback: true}},
	} {
		if got := b.Catalogue(tt.lang).Field(tt.e); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestMissingAndProblems(t *testing.T) {
	b := testBundle(t)
	if got := b.Missing([]string{"hello", "rows", "nope", "notice.saved", "nope"}); !slices.Equal(got, []string{"nope"}) {
		t.Errorf("Missing = %v", got)
	}
	want := []string{
		"ui/en: missing only.de",
		"ui/ru: greet lacks the placeholder {place}",
		"ui: no ar catalogue", "ui: no tr catalogue", "ui: no uk catalogue",
	}
	if got := b.Problems(); !slices.Equal(got, want) {
		t.Errorf("Problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"unknown language", fstest.MapFS{"c/ui/de.json": {Data: []byte(`{}`)}, "c/ui/fr.json": {Data: []byte(`{}`)}}, `"fr" is not a language`},
		{"broken JSON", fstest.MapFS{"c/ui/de.json": {Data: []byte(`{"a": }`)}}, "c/ui/de.json"},
		{"empty text", fstest.MapFS{"c/ui/de.json": {Data: []byte(`{"a": " "}`)}}, "a is empty"},
		{"key in two areas", fstest.MapFS{"c/a/de.json": {Data: []byte(`{"k": "x"}`)}, "c/b/de.json": {Data: []byte(`{"k": "y"}`)}}, "belongs to area a"},
		{"translation without German", fstest.MapFS{"c/ui/en.json": {Data: []byte(`{"k": "x"}`)}}, "no German catalogue"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.fsys, "c")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"", "de"},
		{"uk-UA,uk;q=0.9,en;q=0.5", "uk"},
		{"fr-FR, en;q=0.3", "en"},
		{"fr-FR", "de"},
		{"en;q=0.2, ar;q=0.8", "ar"},
		{"en;q=abc, tr", "tr"},
		{strings.Repeat("x", 600) + ",en", "de"}, // only the first 500 bytes count
	} {
		if got := FromAcceptLanguage(tt.header).Code; got != tt.want {
			t.Errorf("%q: %s, want %s", tt.header, got, tt.want)
		}
	}
}

// TestCoded: a coded field error carries the German text the domains
// wrote before they named codes, and translates on the surface.
func TestCoded(t *testing.T) {
	for _, tt := range []struct {
		code   string
		params map[string]any
		de, en string
	}{
		{CodeMaxLength, map[string]any{"max": 200}, "Höchstens 200 Zeichen.", "At most 200 characters."},
		{CodeControlChars, nil, "Bitte verwenden Sie keine Steuerzeichen.", "Please do not use control characters."},
		{CodePostcode, nil, "Eine Postleitzahl hat fünf Ziffern.", "A German postcode has five digits."},
	} {
		e := Coded("f", tt.code, tt.params)
		if e.Field != "f" || e.Code != tt.code || e.Message != tt.de {
			t.Errorf("Coded(%s) = %+v, want German %q", tt.code, e, tt.de)
		}
		if got := Default().Catalogue("en").Field(e); got.Value != tt.en || got.Fallback {
			t.Errorf("%s in English: %+v", tt.code, got)
		}
		var fe fault.FieldErrors
		if err := FieldCoded("f", tt.code, tt.params); !errors.As(err, &fe) || fe.For("f") != tt.de {
			t.Errorf("FieldCoded(%s) = %v", tt.code, err)
		}
	}
}
