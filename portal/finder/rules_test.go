package finder

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustLoad(t testing.TB) *Rules {
	t.Helper()
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// fullAnswers is a complete set of answers for a single German adult of
// 40 who works full time and earns too much for any benefit.
func fullAnswers() Answers {
	return Answers{
		"partner": "no", "children": "0", "child_care": "no",
		"birth_year": "1986", "birth_month": "5",
		"work_capacity": "yes", "addiction": "no",
		"education":    "none",
		"income_gross": "4000", "income_net": "2600", "current_benefits": "none", "debts": "no",
		"rent": "700", "rent_arrears": "no",
		"residence_status": "german",
	}
}

func with(a Answers, kv ...string) Answers {
	out := Answers{}
	for k, v := range a {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

// TestBenefitSpecifications reads as the finder's specification: a
// situation, a benefit, the verdict and the reason given.
func TestBenefitSpecifications(t *testing.T) {
	r := mustLoad(t)
	at := day(2026, 3, 15)
	base := fullAnswers()
	poor := with(base, "income_gross", "0", "income_net", "300")
	for _, tt := range []struct {
		name    string
		at      time.Time // the evaluation day; zero for 15 March 2026
		answers Answers
		benefit string
		want    Status
		reason  string // a reason key that must be given, "" for none
		missing []string
	}{
		{"Sie haben die Regelaltersgrenze erreicht und Ihr Einkommen reicht nicht → Grundsicherung: Möglicherweise Anspruch", time.Time{},
			with(poor, "birth_year", "1958", "birth_month", "1", "work_capacity", "temporary"), "grusi", Possible, "finder.benefit.grusi.age_or_reduced.yes", nil},
		{"Geboren 1960: Regelaltersgrenze 66 Jahre und 4 Monate erst im Juli 2026 erreicht → Grundsicherung im März: kein Anspruch wegen Alters", time.Time{},
			with(poor, "birth_year", "1960", "birth_month", "3"), "grusi", Unlikely, "finder.benefit.grusi.age_or_reduced.no", nil},
		{"Geboren 1960 ohne Geburtsmonat, im September 2026 → Grundsicherung: Fehlende Angaben (Geburtsmonat)", day(2026, 9, 15),
			with(poor, "birth_year", "1960", "birth_month", "", "work_capacity", "temporary"), "grusi", Missing, "", []string{"birth_month"}},
		{"Geboren 1986 ohne Geburtsmonat: sicher unter der Regelaltersgrenze → Bürgergeld: Möglicherweise Anspruch", time.Time{},
			with(poor, "birth_month", ""), "buergergeld", Possible, "finder.benefit.buergergeld.age.yes", nil},
		{"Dauerhaft voll erwerbsgemindert und volljährig → Grundsicherung: Möglicherweise Anspruch", time.Time{},
			with(poor, "work_capacity", "permanent"), "grusi", Possible, "finder.benefit.grusi.age_or_reduced.yes", nil},
		{"Erwerbsfähig, 40 Jahre, Einkommen unter dem Bedarf → Bürgergeld: Möglicherweise Anspruch", time.Time{},
			poor, "buergergeld", Possible, "finder.benefit.buergergeld.need.yes", nil},
		{"Einkommen über dem Bedarf → Bürgergeld: Wahrscheinlich kein Anspruch", time.Time{},
			base, "buergergeld", Unlikely, "finder.benefit.buergergeld.need.no", nil},
		{"Einkommen fehlt, Miete fehlt → Bürgergeld: Fehlende Angaben", time.Time{},
			with(base, "income_net", "", "rent", ""), "buergergeld", Missing, "", []string{"income_net", "rent"}},
		{"Kein Einkommen: Bedarf ist sicher höher, auch ohne Angabe zur Miete → Bürgergeld: Möglicherweise Anspruch", time.Time{},
			with(poor, "income_net", "0", "rent", ""), "buergergeld", Possible, "", nil},
		{"Vorübergehend weniger als 3 Stunden arbeitsfähig, bedürftig → Hilfe zum Lebensunterhalt: Möglicherweise Anspruch", time.Time{},
			with(poor, "work_capacity", "temporary"), "hzl", Possible, "finder.benefit.hzl.not_employable.yes", nil},
		{"Erwerbsfähig → Hilfe zum Lebensunterhalt: Wahrscheinlich kein Anspruch", time.Time{},
			poor, "hzl", Unlikely, "finder.benefit.hzl.not_employable.no", nil},
		{"Im Asylverfahren → AsylbLG: Möglicherweise Anspruch", time.Time{},
			with(poor, "residence_status", "asylum"), "asylblg", Possible, "finder.benefit.asylblg.status.yes", nil},
		{"Im Asylverfahren → Bürgergeld: Wahrscheinlich kein Anspruch (AsylbLG geht vor)", time.Time{},
			with(poor, "residence_status", "asylum"), "buergergeld", Unlikely, "finder.benefit.buergergeld.status.no", nil},
		{"Mit Miete und mittlerem Einkommen → Wohngeld: Möglicherweise Anspruch", time.Time{},
			with(base, "income_net", "1400"), "wohngeld", Possible, "finder.benefit.wohngeld.income_limit.yes", nil},
		{"Bürgergeld-Bezug → Wohngeld: Wahrscheinlich kein Anspruch", time.Time{},
			with(base, "income_net", "1400", "current_benefits", "buergergeld"), "wohngeld", Unlikely, "finder.benefit.wohngeld.no_transfer.no", nil},
		{"Einkommen weit über dem Orientierungswert → Wohngeld: Wahrscheinlich kein Anspruch", time.Time{},
			base, "wohngeld", Unlikely, "finder.benefit.wohngeld.income_limit.no", nil},
		{"Zwei Kinder → Kindergeld: Möglicherweise Anspruch mit 259 €", time.Time{},
			with(base, "children", "2"), "kindergeld", Possible, "finder.benefit.kindergeld.children.yes", nil},
		{"Keine Kinder → Kindergeld: Wahrscheinlich kein Anspruch", time.Time{},
			base, "kindergeld", Unlikely, "finder.benefit.kindergeld.children.no", nil},
		{"Alleinerziehend mit 700 € brutto → Kinderzuschlag: Möglicherweise Anspruch", time.Time{},
			with(base, "children", "1", "income_gross", "700", "income_net", "1500"), "kinderzuschlag", Possible, "finder.benefit.kinderzuschlag.minimum_income.yes", nil},
		{"Alleinerziehend, ein Kind, 5.000 € netto → Kinderzuschlag: Wahrscheinlich kein Anspruch (Einkommen zu hoch)", time.Time{},
			with(base, "children", "1", "income_gross", "7000", "income_net", "5000"), "kinderzuschlag", Unlikely, "finder.benefit.kinderzuschlag.maximum_income.no", nil},
		{"Paar mit 700 € brutto → Kinderzuschlag: Wahrscheinlich kein Anspruch (Mindesteinkommen 900 €)", time.Time{},
			with(base, "partner", "yes", "children", "1", "income_gross", "700"), "kinderzuschlag", Unlikely, "finder.benefit.kinderzuschlag.minimum_income.no", nil},
		{"Schulkind in einem Haushalt mit Bürgergeld → Bildung und Teilhabe: Möglicherweise Anspruch", time.Time{},
			with(poor, "children", "1", "child_care", "yes"), "but", Possible, "finder.benefit.but.child.yes", nil},
		{"Schulkind, gutes Einkommen → Bildung und Teilhabe: Wahrscheinlich kein Anspruch", time.Time{},
			with(base, "income_net", "9000", "income_gross", "12000", "children", "1", "child_care", "yes"), "but", Unlikely, "finder.benefit.but.entitling_benefit.no", nil},
		{"Studium mit 40 → BAföG: Möglicherweise Anspruch", time.Time{},
			with(base, "education", "study"), "bafoeg", Possible, "finder.benefit.bafoeg.age.yes", nil},
		{"Studium mit 50 → BAföG: Wahrscheinlich kein Anspruch (Altersgrenze 45)", time.Time{},
			with(base, "education", "study", "birth_year", "1975"), "bafoeg", Unlikely, "finder.benefit.bafoeg.age.no", nil},
		{"Betriebliche Ausbildung → BAföG: Wahrscheinlich kein Anspruch", time.Time{},
			with(base, "education", "vocational"), "bafoeg", Unlikely, "finder.benefit.bafoeg.education.no", nil},
		{"Mietschulden → Übernahme von Mietrückständen: Möglicherweise Anspruch", time.Time{},
			with(base, "rent_arrears", "yes"), "mietrueckstaende", Possible, "finder.benefit.mietrueckstaende.arrears.yes", nil},
		{"Mietschulden → Schuldnerberatung: Möglicherweise Anspruch", time.Time{},
			with(base, "rent_arrears", "yes"), "schuldnerberatung", Possible, "", nil},
		{"Keine Schulden → Schuldnerberatung: Wahrscheinlich kein Anspruch", time.Time{},
			base, "schuldnerberatung", Unlikely, "finder.benefit.schuldnerberatung.debts.no", nil},
		{"Sorge wegen Sucht → Suchtberatung: Möglicherweise Anspruch", time.Time{},
			with(base, "addiction", "yes"), "suchtberatung", Possible, "finder.benefit.suchtberatung.concern.yes", nil},
		{"Keine Angaben → Suchtberatung: Fehlende Angaben", time.Time{},
			Answers{}, "suchtberatung", Missing, "", []string{"addiction"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			when := at
			if !tt.at.IsZero() {
				when = tt.at
			}
			ev, err := r.Evaluate(tt.answers, when)
			if err != nil {
				t.Fatal(err)
			}
			res, ok := ev.Result(tt.benefit)
			if !ok {
				t.Fatalf("no result for %s", tt.benefit)
			}
			if res.Status != tt.want {
				t.Fatalf("%s: status %s, want %s (reasons %+v, missing %v)", tt.benefit, res.Status, tt.want, res.Reasons, ids(res.Missing))
			}
			if tt.reason != "" && !slices.ContainsFunc(res.Reasons, func(x Reason) bool { return x.Key == tt.reason }) {
				t.Errorf("reason %s not given: %+v", tt.reason, res.Reasons)
			}
			for _, x := range res.Reasons {
				if x.Law == "" {
					t.Errorf("reason %s without legal basis", x.Key)
				}
			}
			if tt.want == Missing && len(res.Missing) == 0 {
				t.Error("status missing but no missing questions named")
			}
			if tt.missing != nil && !slices.Equal(ids(res.Missing), tt.missing) {
				t.Errorf("missing %v, want %v", ids(res.Missing), tt.missing)
			}
		})
	}
}

func ids(qs []*Question) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = q.ID
	}
	return out
}

// TestEveryBenefitReachesEveryStatus makes sure no benefit is stuck.
func TestEveryBenefitReachesEveryStatus(t *testing.T) {
	r := mustLoad(t)
	if n := len(r.Benefits()); n < 12 {
		t.Fatalf("%d benefits, the issue asks for at least 12", n)
	}
	if n := len(r.Questions()); n != 18 {
		t.Fatalf("%d questions, want 18", n)
	}
	ev, err := r.Evaluate(Answers{}, day(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range ev.Results {
		if res.Status != Missing {
			t.Errorf("no answers: %s is %s, want missing", res.Benefit.ID, res.Status)
		}
	}
}

func TestParametersByDate(t *testing.T) {
	r := mustLoad(t)
	for _, tt := range []struct {
		param string
		at    time.Time
		want  float64
	}{
		{"rbs1", day(2023, 6, 1), 502},
		{"rbs1", day(2024, 1, 1), 563},
		{"rbs1", day(2026, 7, 1), 563},
		{"rbs2", day(2026, 1, 1), 506},
		{"rbs3", day(2026, 1, 1), 451},
		{"rbs4", day(2026, 1, 1), 471},
		{"rbs5", day(2026, 1, 1), 390},
		{"rbs6", day(2026, 1, 1), 357},
		{"kindergeld", day(2024, 12, 31), 250},
		{"kindergeld", day(2025, 1, 1), 255},
		{"kindergeld", day(2026, 1, 1), 259},
		{"kinderzuschlag", day(2024, 5, 1), 292},
		{"kinderzuschlag", day(2026, 1, 1), 297},
		{"schulbedarf_1", day(2026, 8, 1), 130},
		{"schulbedarf_2", day(2026, 2, 1), 65},
		{"kiz_min_couple", day(2026, 1, 1), 900},
		{"kiz_min_single", day(2026, 1, 1), 600},
		{"bafoeg_age_limit", day(2026, 1, 1), 45},
	} {
		p, ok := r.Parameter(tt.param)
		if !ok {
			t.Fatalf("no parameter %s", tt.param)
		}
		v, err := p.At(tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if v.Value != tt.want || v.Law == "" {
			t.Errorf("%s on %s = %v (%s), want %v with a legal reference", tt.param, tt.at.Format(time.DateOnly), v.Value, v.Law, tt.want)
		}
	}
	if _, err := r.params["rbs1"].At(day(2020, 1, 1)); err == nil {
		t.Error("rbs1 in 2020: want an error, the rules hold no value then")
	}
}

// TestRegelaltersgrenze checks the table of § 235 Abs. 2 SGB VI.
func TestRegelaltersgrenze(t *testing.T) {
	r := mustLoad(t)
	v, err := r.params["regelaltersgrenze"].At(day(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]float64{
		1940: 65 * 12, 1946: 65 * 12, 1947: 65*12 + 1, 1957: 65*12 + 11,
		1958: 66 * 12, 1959: 66*12 + 2, 1960: 66*12 + 4, 1961: 66*12 + 6, 1962: 66*12 + 8, 1963: 66*12 + 10,
		1964: 67 * 12, 1990: 67 * 12,
	} {
		if got := v.Table.Lookup(year); got != want {
			t.Errorf("born %d: %v months, want %v", year, got, want)
		}
	}
}

// TestEvaluationDate: the same answers give other figures on other days.
func TestEvaluationDate(t *testing.T) {
	r := mustLoad(t)
	a := with(fullAnswers(), "children", "1")
	for _, tt := range []struct {
		at   time.Time
		want float64
	}{{day(2025, 6, 1), 255}, {day(2026, 6, 1), 259}} {
		ev, err := r.Evaluate(a, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		res, _ := ev.Result("kindergeld")
		if got := res.Reasons[0].Params["kindergeld"]; got != tt.want {
			t.Errorf("Kindergeld on %s = %v, want %v", tt.at.Format(time.DateOnly), got, tt.want)
		}
	}
	if _, err := r.Evaluate(a, day(2019, 1, 1)); err == nil {
		t.Error("evaluating in 2019: want an error, the parameters start later")
	}
}

func TestNormalize(t *testing.T) {
	r := mustLoad(t)
	for _, tt := range []struct {
		q, in, want, code string
	}{
		{"partner", "yes", "yes", ""},
		{"partner", "ja", "", "yes-no"},
		{"children", " 2 ", "2", ""},
		{"children", "16", "", "range"},
		{"children", "-1", "", "range"},
		{"children", "zwei", "", "not-a-number"},
		{"income_net", "1.500", "", "not-a-number"},
		{"income_net", strings.Repeat("9", 300), "", "not-a-number"},
		{"residence_status", "eu", "eu", ""},
		{"residence_status", "mars", "", "option"},
		{"current_benefits", "wohngeld,buergergeld", "buergergeld,wohngeld", ""},
		{"current_benefits", "none", "none", ""},
		{"current_benefits", "none,wohngeld", "", "none-alone"},
		{"current_benefits", "wohngeld,,x", "", "option"},
		{"nope", "1", "", "unknown-question"},
		{"birth_month", "", "", ""},
	} {
		got, p := r.Normalize(tt.q, tt.in)
		code := ""
		if p != nil {
			code = p.Code
		}
		if got != tt.want || code != tt.code {
			t.Errorf("Normalize(%s, %.20q) = %q, %q; want %q, %q", tt.q, tt.in, got, code, tt.want, tt.code)
		}
	}
}

func TestFromJSON(t *testing.T) {
	r := mustLoad(t)
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(`{"partner": true, "children": 2, "current_benefits": [], "residence_status": "eu",
		"birth_month": null, "rent": 450.0}`), &raw)
	a, problems := r.FromJSON(raw)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := Answers{"partner": "yes", "children": "2", "current_benefits": "none", "residence_status": "eu", "rent": "450"}
	if len(a) != len(want) {
		t.Fatalf("answers %v, want %v", a, want)
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}

	_ = json.Unmarshal([]byte(`{"partner": "yes", "children": 99, "rent": 1.5, "residence_status": 3,
		"current_benefits": ["none", "wohngeld"], "zzz": 1, "aaa": true}`), &raw)
	_, problems = r.FromJSON(raw)
	var got []string
	for _, p := range problems {
		got = append(got, p.Question+":"+p.Code)
	}
	wantProblems := []string{"partner:yes-no", "children:range", "current_benefits:none-alone", "rent:not-a-number",
		"residence_status:option", "aaa:unknown-question", "zzz:unknown-question"}
	if !slices.Equal(got, wantProblems) {
		t.Errorf("problems %v, want %v", got, wantProblems)
	}
}

func TestEvaluateRejectsInvalidAnswers(t *testing.T) {
	r := mustLoad(t)
	for _, a := range []Answers{{"x": "1"}, {"children": "-3"}, {"partner": "vielleicht"}} {
		if _, err := r.Evaluate(a, day(2026, 1, 1)); !errors.Is(err, ErrInvalidAnswers) {
			t.Errorf("Evaluate(%v) = %v, want ErrInvalidAnswers", a, err)
		}
	}
}

// TestRulesValidation: broken rules stop the start.
func TestRulesValidation(t *testing.T) {
	good := string(embeddedRules)
	for _, tt := range []struct {
		name, from, to, want string
	}{
		{"unknown question in a rule", `{"q": "rent_arrears"}, "law"`, `{"q": "rent_arrearz"}, "law"`, `unknown question "rent_arrearz"`},
		{"unknown option", `"in": ["temporary", "permanent"]`, `"in": ["temporary", "forever"]`, `no option "forever"`},
		{"unknown parameter", `{"param": "rbs4"}`, `{"param": "rbs9"}`, `unknown parameter "rbs9"`},
		{"unknown definition", `{"ref": "in_need"}, "law": "§ 41`, `{"ref": "in_needs"}, "law": "§ 41`, `unknown definition "in_needs"`},
		{"unknown benefit", `{"benefit": "kindergeld"}`, `{"benefit": "kindergelt"}`, `unknown benefit "kindergelt"`},
		{"benefit cycle", `"when": {"q": "addiction"}`, `"when": {"benefit": "suchtberatung"}`, "depends on itself"},
		{"question on no page", `"questions": ["residence_status"]}`, `"questions": ["partner"]}`, "on two pages"},
		{"bad date", `"from": "2026-01-01", "value": 259`, `"from": "2026-13-01", "value": 259`, "date"},
		{"unknown key", `"version": "2026-01"`, `"version": "2026-01", "extra": 1`, "unknown field"},
		{"missing legal reference", `"value": 600, "law": "§ 6a Abs. 1 Nr. 2 BKGG"`, `"value": 600, "law": ""`, "no legal reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.from) {
				t.Fatalf("rules.json does not contain %s", tt.from)
			}
			_, err := Parse([]byte(strings.Replace(good, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestTextKeys(t *testing.T) {
	r := mustLoad(t)
	keys := r.TextKeys()
	for _, k := range []string{"finder.q.partner.label", "finder.q.residence_status.opt.asylum",
		"finder.benefit.grusi.age_or_reduced.yes", "finder.unchecked.assets", "finder.group.household"} {
		if !slices.Contains(keys, k) {
			t.Errorf("TextKeys lacks %s", k)
		}
	}
}

// BenchmarkEvaluate evaluates all benefits for a full set of answers.
func BenchmarkEvaluate(b *testing.B) {
	r := mustLoad(b)
	a := with(fullAnswers(), "income_net", "900", "children", "2", "child_care", "yes", "birth_month", "")
	at := day(2026, 3, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Evaluate(a, at); err != nil {
			b.Fatal(err)
		}
	}
}
