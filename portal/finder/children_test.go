package finder

import (
	"testing"
)

// TestChildrenCountedByAge: a child's Regelbedarf follows its age (RBS 6
// under 6, RBS 5 from 6 to 13, RBS 4 from 14 to 17, RBS 3 from 18 to 24),
// and a single parent's household gets the Mehrbedarf für Alleinerziehende
// (§ 21 Abs. 3 SGB II: 36 % of RBS 1 with one child under 7 or two or
// three under 16, else 12 % per minor child, at most 60 %). Without the
// ages every child counts at RBS 4, as before. Figures for 2026: RBS 1
// 563 €, RBS 2 506 €, RBS 3 451 €, RBS 4 471 €, RBS 5 390 €, RBS 6 357 €.
func TestChildrenCountedByAge(t *testing.T) {
	r := mustLoad(t)
	adult := Answers{"birth_year": "1990", "birth_month": "1", "work_capacity": "yes", "residence_status": "german", "current_benefits": "none"}
	with := func(kv ...string) Answers {
		a := Answers{}
		for k, v := range adult {
			a[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			a[kv[i]] = kv[i+1]
		}
		return a
	}
	for _, tt := range []struct {
		name    string
		answers Answers
		want    Status
	}{
		// Single parent, one child of 4, rent 500: 563 + 357 + 202.68 + 500 = 1,622.68 €.
		{"single parent, small child, below the need", with("partner", "no", "children", "1", "children_under_6", "1", "income_net", "1600", "rent", "500"), Possible},
		{"single parent, small child, above the need", with("partner", "no", "children", "1", "children_under_6", "1", "income_net", "1630", "rent", "500"), Unlikely},
		// Without the Mehrbedarf and at RBS 4 the old figure was 1,534 €.
		{"single parent, ages not given: RBS 4 and 12 %", with("partner", "no", "children", "1", "income_net", "1570", "rent", "500"), Possible},
		// Couple, two children of 6–13, rent 600: 1,012 + 780 + 600 = 2,392 €.
		{"couple, two school children, above the need", with("partner", "yes", "children", "2", "children_6_13", "2", "income_net", "2450", "rent", "600"), Unlikely},
		// The same without ages: 1,012 + 942 + 600 = 2,554 €.
		{"couple, two children, ages not given", with("partner", "yes", "children", "2", "income_net", "2450", "rent", "600"), Possible},
		// Couple with a son of 20: RBS 3 (451 €): 1,012 + 451 + 400 = 1,863 €.
		{"couple, adult child below the need", with("partner", "yes", "children", "1", "children_18_24", "1", "income_net", "1850", "rent", "400"), Possible},
		{"couple, adult child above the need", with("partner", "yes", "children", "1", "children_18_24", "1", "income_net", "1870", "rent", "400"), Unlikely},
		// More children of an age than children: the ages are capped.
		{"inconsistent ages", with("partner", "yes", "children", "1", "children_under_6", "3", "income_net", "1760", "rent", "400"), Possible},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := r.Evaluate(tt.answers, day(2026, 6, 1))
			if err != nil {
				t.Fatal(err)
			}
			res, _ := ev.Result("buergergeld")
			if res.Status != tt.want {
				t.Errorf("Bürgergeld: %s, want %s (reasons %+v)", res.Status, tt.want, res.Reasons)
			}
			if len(res.Missing) != 0 {
				t.Errorf("optional ages reported missing: %v", ids(res.Missing))
			}
		})
	}
}
