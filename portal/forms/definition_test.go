package forms

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestDefinitionsLoad(t *testing.T) {
	t.Parallel()
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Keys(), ","); got != "asylblg,but,grusi,hzl,mrh" {
		t.Errorf("keys %s", got)
	}
	hzl, _ := r.Latest("hzl")
	var steps []string
	for _, s := range hzl.Steps {
		steps = append(steps, s.Title.In("de"))
	}
	if got := strings.Join(steps, ","); got != "Antragsteller:in,Situation,Haushalt,Unterkunft,Einkommen,Ausgaben,Vermögen,Unterlagen,Nothilfe,Absenden" {
		t.Errorf("HzL steps: %s", got)
	}
	if hzl.TrustLevel != TrustNiedrig {
		t.Errorf("HzL trust %s", hzl.TrustLevel)
	}
	if g, _ := r.Latest("grusi"); g.TrustLevel != TrustSubstanziell {
		t.Errorf("GruSi trust %s", g.TrustLevel)
	}
}

// allLanguages gives every text of a test definition that ends with English
// ({"de":…,"en":…}) the other portal languages too, so that a case tests
// what it names; a text that spells out its languages stays as it is.
var allLanguages = regexp.MustCompile(`"en":"([^"]*)"\}`)

func TestDefinitionChecks(t *testing.T) {
	t.Parallel()
	const base = `{"key":"x","version":"1.0","title":{"de":"X","en":"X"},"trustLevel":"niedrig",
	 "xsozial":{"vorgangsTyp":"001000","leistungArt":"6010"},
	 "declarations":[{"id":"d","label":{"de":"D","en":"D"}}],
	 "steps":[{"id":"a","title":{"de":"A","en":"A"},"fields":[%s]},{"id":"z","kind":"summary","title":{"de":"Z","en":"Z"}}]}`
	field := func(s string) string { return strings.Replace(base, "%s", s, 1) }
	for _, tt := range []struct {
		name, json, want string
	}{
		{"valid", field(`{"id":"f","type":"text","label":{"de":"F","en":"F"}}`), ""},
		{"unknown type", field(`{"id":"f","type":"slider","label":{"de":"F","en":"F"}}`), "unknown field type"},
		{"duplicate ID", field(`{"id":"f","type":"text","label":{"de":"F","en":"F"}},{"id":"f","type":"text","label":{"de":"F","en":"F"}}`), "duplicate ID"},
		{"unknown condition field", field(`{"id":"f","type":"text","label":{"de":"F","en":"F"},"showIf":{"field":"nope","equals":"x"}}`), "unknown field \"nope\""},
		{"only German", field(`{"id":"f","type":"text","label":{"de":"F"}}`), "a.f: text lacks en, ar, uk, tr, ru"},
		{"no Ukrainian", field(`{"id":"f","type":"text","label":{"de":"F","en":"F","ar":"F","tr":"F","ru":"F"}}`), "a.f: text lacks uk"},
		{"empty Arabic", field(`{"id":"f","type":"text","label":{"de":"F","en":"F","ar":" ","uk":"F","tr":"F","ru":"F"}}`), "a.f: text lacks ar"},
		{"unknown language", field(`{"id":"f","type":"text","label":{"de":"F","en":"F","ua":"F"}}`), "unknown languages ua"},
		{"hint incomplete", field(`{"id":"f","type":"text","label":{"de":"F","en":"F"},"help":{"de":"H"}}`), "a.f help: text lacks en"},
		{"option incomplete", field(`{"id":"f","type":"radio","label":{"de":"F","en":"F"},"options":[{"value":"v","label":{"de":"V"}}]}`), "a.f option v: text lacks en"},
		{"step intro incomplete", strings.Replace(field(`{"id":"f","type":"text","label":{"de":"F","en":"F"}}`), `"title":{"de":"A","en":"A"}`, `"title":{"de":"A","en":"A"},"intro":{"de":"I"}`, 1), "step a intro: text lacks en"},
		{"declaration link", strings.Replace(field(`{"id":"f","type":"text","label":{"de":"F","en":"F"}}`), `"id":"d",`, `"id":"d","link":"../datenschutz",`, 1), "link \"../datenschutz\" is not a page key"},
		{"select without options", field(`{"id":"f","type":"select","label":{"de":"F","en":"F"}}`), "needs options"},
		{"cycle", field(`{"id":"f","type":"text","label":{"de":"F","en":"F"},"showIf":{"field":"g","filled":true}},{"id":"g","type":"text","label":{"de":"G","en":"G"},"showIf":{"field":"f","filled":true}}`), "cycle"},
		{"unknown JSON key", field(`{"id":"f","type":"text","lable":{"de":"F","en":"F"}}`), "unknown field \"lable\""},
		{"bad trust level", strings.Replace(field(`{"id":"f","type":"text","label":{"de":"F","en":"F"}}`), `"niedrig"`, `"mittel"`, 1), "trustLevel"},
		{"unknown code", strings.Replace(field(`{"id":"f","type":"text","label":{"de":"F","en":"F"}}`), `"001000"`, `"999999"`, 1), "vorgangsTyp"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			def := allLanguages.ReplaceAllString(tt.json, `"en":"$1","ar":"$1","uk":"$1","tr":"$1","ru":"$1"}`)
			_, err := LoadFS(fstest.MapFS{"x-1.0.json": {Data: []byte(def)}})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func hzlDef(t testing.TB) *Definition {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := r.Latest("hzl")
	return d
}

func TestValidateFields(t *testing.T) {
	t.Parallel()
	d := hzlDef(t)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	step, _, _ := d.Step("antragsteller")
	valid := url.Values{"beantragende_person": {"selbst"}, "familienname": {"Muster"}, "vorname": {"Erika"}, "geburtsdatum": {"17.05.1988"},
		"geschlecht": {"w"}, "staatsangehoerigkeit": {"000"}, "strasse": {"Breiter Weg"}, "hausnummer": {"12"}, "plz": {"38820"},
		"ort": {"Halberstadt"}, "email": {"erika@example.org"}, "kontoinhaber": {"Erika Muster"}, "iban": {"de89370400440532013000"}}
	a := d.Bind(step, valid, Answers{}, "de", nil)
	if ps := d.ValidateStep(step, a, nil, "de", now); len(ps.Errors()) != 0 {
		t.Fatalf("valid step has errors: %+v", ps.Errors())
	}
	if a.Str("iban") != "DE89370400440532013000" || a.Str("geburtsdatum") != "1988-05-17" {
		t.Errorf("not normalised: %q %q", a.Str("iban"), a.Str("geburtsdatum"))
	}
	for _, tt := range []struct {
		field, value, lang, want string
	}{
		{"iban", "DE89 3704 0044 0532 0130 01", "de", "Prüfziffer"},
		{"iban", "DE89 3704 0044 0532 0130 01", "en", "check digits"},
		{"iban", "XX12", "de", "keine gültige IBAN"},
		{"geburtsdatum", "2027-01-01", "de", "Geburtsdatum"},
		{"geburtsdatum", "1800-01-01", "de", "130 Jahre"},
		{"geburtsdatum", "31.02.1990", "de", "gültiges Datum"},
		{"email", "erika@", "de", "E-Mail-Adresse"},
		{"email", "Erika <erika@example.org>", "de", "E-Mail-Adresse"},
		{"telefon", "call me", "de", "Telefonnummer"},
		{"plz", "3882", "de", "fünf Ziffern"},
		{"geschlecht", "q", "de", "angebotenen Antworten"}, // a tampered select value
		{"familienname", "", "de", "füllen Sie dieses Feld aus"},
		{"familienname", "", "uk", "заповніть"},
		{"familienname", strings.Repeat("a", 201), "de", "zu lang"},
	} {
		form := url.Values{}
		for k, v := range valid {
			form[k] = v
		}
		form.Set(tt.field, tt.value)
		a := d.Bind(step, form, Answers{}, tt.lang, nil)
		p, ok := d.ValidateStep(step, a, nil, tt.lang, now).For(tt.field)
		if !ok || !strings.Contains(p.Message, tt.want) || p.Soft {
			t.Errorf("%s=%q: problem %+v, want %q", tt.field, tt.value, p, tt.want)
		}
	}
	// soft-required: e-mail missing is a warning, not an error
	form := url.Values{}
	for k, v := range valid {
		form[k] = v
	}
	form.Del("email")
	a = d.Bind(step, form, Answers{}, "de", nil)
	ps := d.ValidateStep(step, a, nil, "de", now)
	if len(ps.Errors()) != 0 || len(ps.Warnings()) != 1 {
		t.Errorf("soft-required: errors %v warnings %v", ps.Errors(), ps.Warnings())
	}
}

func TestMoneyAndGroups(t *testing.T) {
	t.Parallel()
	d := hzlDef(t)
	now := time.Now()
	step, _, _ := d.Step("einkommen")
	form := url.Values{"hat_einkommen": {"ja"}, "einkommen.0._row": {"1"}, "einkommen.0.person": {"p0"}, "einkommen.0.art": {"rente"},
		"einkommen.0.betrag": {"-5"}, "einkommen.0.turnus": {"monatlich"},
		"einkommen.1.betrag": {"1.234,56"}, "einkommen.1.person": {"p0"}, "einkommen.1.art": {"rente"}, "einkommen.1.turnus": {"monatlich"},
		"einkommen.99.betrag": {"5"}, // beyond maxRows: ignored
		"unbekannt":           {"x"}, "familienname": {"from another step"}}
	a := d.Bind(step, form, Answers{}, "de", nil)
	rows := a.Rows("einkommen")
	if len(rows) != 2 || rows[1].Str("betrag") != "123456" {
		t.Fatalf("rows %+v", rows)
	}
	if _, ok := a["unbekannt"]; ok || a.Str("familienname") != "" {
		t.Error("unknown or foreign field bound")
	}
	p, ok := d.ValidateStep(step, a, nil, "de", now).For("einkommen.0.betrag")
	if !ok || !strings.Contains(p.Message, "negativ") {
		t.Errorf("negative amount: %+v", p)
	}
	if got := d.InputValue(&d.fields["einkommen"].Fields[3], rows[1]["betrag"], "de"); got != "1.234,56" {
		t.Errorf("input value %q", got)
	}
	act, _ := ParseAction("remove:einkommen:0")
	a = d.Bind(step, form, Answers{}, "de", &act)
	if rows := a.Rows("einkommen"); len(rows) != 1 || rows[0].Str("betrag") != "123456" {
		t.Errorf("remove row: %+v", rows)
	}
	for _, tt := range []struct {
		in, lang string
		cents    int64
	}{{"12,50", "de", 1250}, {"12.50", "de", 1250}, {"1.234", "de", 123400}, {"1,234.50", "en", 123450}, {"1 234,5 €", "de", 123450}} {
		if c, err := ParseMoney(tt.in, tt.lang); err != nil || c != tt.cents {
			t.Errorf("ParseMoney(%q) = %d, %v", tt.in, c, err)
		}
	}
	if FormatMoney(123456, "de") != "1.234,56 €" || FormatMoney(5, "en") != "€0.05" {
		t.Error("FormatMoney")
	}
}

func TestConditionsAndExclusive(t *testing.T) {
	t.Parallel()
	d := hzlDef(t)
	step, _, _ := d.Step("situation")
	a := d.Bind(step, url.Values{"aktuelle_situation": {"nichts", "rente"}, "erwerbsfaehigkeit": {"ja"}, "familienstand": {"LD"},
		"krankenversicherung": {"keine"}, "schwerbehinderung": {"nein"}}, Answers{}, "de", nil)
	ps := d.ValidateStep(step, a, nil, "de", time.Now())
	if p, ok := ps.For("aktuelle_situation"); !ok || !strings.Contains(p.Message, "Nichts davon") {
		t.Errorf("exclusive option: %+v", ps)
	}
	// "rente" makes rentenart visible and required
	if _, ok := ps.For("rentenart"); !ok {
		t.Errorf("conditional required field not checked: %+v", ps)
	}
	a["aktuelle_situation"] = Value{L: []string{"nichts"}}
	a["rentenart"] = Value{S: "alter"}
	if _, ok := d.ValidateStep(step, a, nil, "de", time.Now()).For("rentenart"); ok {
		t.Error("hidden field validated")
	}
	if _, ok := d.Prune(a)["rentenart"]; ok {
		t.Error("hidden answer not pruned")
	}
}
