package finder

import (
	"slices"
	"testing"
)

// TestWohngeldBesideTransferBenefits specifies § 7 Abs. 1 WoGG as the
// finder applies it: where Bürgergeld, Hilfe zum Lebensunterhalt,
// Grundsicherung or AsylbLG may be due, they pay the housing costs and
// Wohngeld is not shown as possible beside them (finding F17, household H5).
func TestWohngeldBesideTransferBenefits(t *testing.T) {
	r := mustLoad(t)
	h5 := with(fullAnswers(), "birth_year", "1980", "work_capacity", "temporary", "income_gross", "400", "income_net", "400",
		"rent", "450", "rent_arrears", "yes")
	for _, tt := range []struct {
		name     string
		answers  Answers
		transfer string // a benefit that must be possible, "" for none
		want     Status
		reason   string
	}{
		{"H5: 46 Jahre, vorübergehend erwerbsunfähig, 400 € → Hilfe zum Lebensunterhalt, kein Wohngeld daneben",
			h5, "hzl", Unlikely, "finder.benefit.wohngeld.no_transfer_need.no"},
		{"Erwerbsfähig mit 300 € → Bürgergeld, kein Wohngeld daneben",
			with(fullAnswers(), "income_gross", "300", "income_net", "300", "rent", "450"), "buergergeld", Unlikely, "finder.benefit.wohngeld.no_transfer_need.no"},
		{"Rentnerin mit 850 € und 450 € Miete → Grundsicherung, kein Wohngeld daneben",
			with(fullAnswers(), "birth_year", "1958", "birth_month", "3", "income_gross", "850", "income_net", "850", "rent", "450"), "grusi", Unlikely, "finder.benefit.wohngeld.no_transfer_need.no"},
		{"1.400 € netto, 450 € Miete: Einkommen über dem Bedarf → Wohngeld möglich",
			with(fullAnswers(), "income_gross", "1900", "income_net", "1400", "rent", "450"), "", Possible, "finder.benefit.wohngeld.no_transfer_need.yes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := r.Evaluate(tt.answers, day(2026, 12, 6))
			if err != nil {
				t.Fatal(err)
			}
			if tt.transfer != "" {
				if res, _ := ev.Result(tt.transfer); res.Status != Possible {
					t.Fatalf("%s: %s, want possible", tt.transfer, res.Status)
				}
			}
			res, _ := ev.Result("wohngeld")
			if res.Status != tt.want {
				t.Fatalf("Wohngeld: %s, want %s (%+v)", res.Status, tt.want, res.Reasons)
			}
			if !slices.ContainsFunc(res.Reasons, func(x Reason) bool { return x.Key == tt.reason }) {
				t.Errorf("reason %s not given: %+v", tt.reason, res.Reasons)
			}
		})
	}
}
