package finder

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzEvaluate: tampered finder answers (any question IDs, any values)
// yield either problems or an evaluation with one valid status per
// benefit – never a panic.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"birth_year":"1958","work_capacity":"yes","partner":"no"}`)
	f.Add(`{"birth_year":"-1","children":"999999999999","rent":"NaN"}`)
	f.Add(`{"unknown":"x","birth_month":"13"}`)
	f.Add(`{}`)
	rules, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		var raw map[string]json.RawMessage
		if json.Unmarshal([]byte(body), &raw) != nil {
			return
		}
		answers, problems := rules.FromJSON(raw)
		if len(problems) > 0 {
			return
		}
		ev, err := rules.Evaluate(answers, at)
		if err != nil {
			t.Fatalf("valid answers %s: %v", body, err)
		}
		if len(ev.Results) != len(rules.Benefits()) {
			t.Fatalf("%d results for %d benefits", len(ev.Results), len(rules.Benefits()))
		}
		for _, r := range ev.Results {
			switch r.Status {
			case Possible, Unlikely, Missing:
			default:
				t.Fatalf("benefit %s has status %q", r.Benefit.ID, r.Status)
			}
		}
	})
}
