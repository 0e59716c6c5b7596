package www

import (
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2/humatest"
)

// TestFinderReasonTexts: the reasons read right for the household they
// are given to – ages are numbers, not money; a pensioner or an asylum
// seeker is not sent to Bürgergeld; no training is not vocational
// training – in German and in English.
func TestFinderReasonTexts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, api := humatest.New(t)
	e.portal.RegisterAPI(api)
	pensioner := map[string]any{"birth_year": 1958, "birth_month": 3, "work_capacity": "yes", "income_net": 850, "rent": 450,
		"partner": false, "children": 0, "residence_status": "german", "education": "none"}
	asylum := map[string]any{"birth_year": 1995, "birth_month": 5, "work_capacity": "yes", "income_net": 0, "rent": 0,
		"partner": false, "children": 0, "residence_status": "asylum"}
	older := map[string]any{"birth_year": 1975, "birth_month": 1, "education": "study", "residence_status": "german"}
	vocational := map[string]any{"birth_year": 2004, "birth_month": 1, "education": "vocational", "residence_status": "german"}
	for _, tt := range []struct {
		name      string
		lang      string
		answers   map[string]any
		want, not []string
	}{
		{"age limit as a number", "de", older, []string{"vor dem 45. Geburtstag"}, []string{"45 €"}},
		{"age limit in English", "en", older, []string{"before your 45th birthday"}, []string{"€45"}},
		{"pensioner", "de", pensioner, []string{"Dann ist die Grundsicherung im Alter die passende Leistung"}, []string{"eher Bürgergeld"}},
		{"asylum seeker", "de", asylum, []string{"Asylbewerberleistungsgesetz statt Hilfe zum Lebensunterhalt"}, []string{"eher Bürgergeld"}},
		{"no training", "de", pensioner, []string{"dass Sie zurzeit keine Ausbildung machen"}, []string{"Ausbildung im Betrieb"}},
		{"vocational training", "de", vocational, []string{"Ausbildung im Betrieb"}, []string{"keine Ausbildung machen"}},
		{"able to work, of working age", "de", map[string]any{"birth_year": 1985, "birth_month": 1, "work_capacity": "yes", "residence_status": "german"},
			[]string{"eher Bürgergeld"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := api.Post("/v1/finder/evaluate?lang="+tt.lang, map[string]any{"answers": tt.answers})
			if resp.Code != 200 {
				t.Fatalf("evaluate = %d %s", resp.Code, resp.Body.String())
			}
			body := resp.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("says %q", n)
				}
			}
		})
	}
}
