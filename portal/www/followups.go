package www

import (
	"encoding/json"
	"strings"

	"sozialplattform/portal/forms"
)

// Follow-up questions (issue 17, item 8): a question whose condition
// depends on an answer of the same step is on the page from the start,
// hidden until its trigger is answered. With JavaScript (static/portal.js)
// it appears at once; without, the server shows it after "Weiter" on the
// same step – without errors, because the citizen has not seen it yet.
// The form tells the server what was shown in the field "gesehen".

// seenField is the form field that lists the names of the questions the
// citizen saw when sending the step.
const seenField = "gesehen"

// clientCondition is a field's condition for the browser: the parts that
// refer to questions of this step (or of the same row of a group) stay
// references; every other part is decided here, on the saved answers,
// and becomes a constant. "" for a field without a condition.
func clientCondition(def *forms.Definition, f *forms.Field, group *forms.Field, row, top forms.Answers, onStep map[string]bool) string {
	if f.ShowIf == nil {
		return ""
	}
	b, err := json.Marshal(clientCond(def, f.ShowIf, group, row, top, onStep))
	if err != nil {
		return ""
	}
	return string(b)
}

func clientCond(def *forms.Definition, c *forms.Condition, group *forms.Field, row, top forms.Answers, onStep map[string]bool) map[string]any {
	switch {
	case len(c.All) > 0 || len(c.Any) > 0:
		key, parts := "all", c.All
		if len(c.Any) > 0 {
			key, parts = "any", c.Any
		}
		var out []map[string]any
		for i := range parts {
			out = append(out, clientCond(def, &parts[i], group, row, top, onStep))
		}
		return map[string]any{key: out}
	case c.Not != nil:
		return map[string]any{"not": clientCond(def, c.Not, group, row, top, onStep)}
	}
	inRow := forms.InGroup(group, c.Field)
	if !inRow && !onStep[c.Field] {
		return map[string]any{"const": def.Holds(c, group, row, top)}
	}
	m := map[string]any{"field": c.Field}
	if inRow {
		m["row"] = true
	}
	switch {
	case c.Filled != nil:
		m["filled"] = *c.Filled
	case c.Equals != "":
		m["equals"] = c.Equals
	case len(c.In) > 0:
		m["in"] = c.In
	case c.Contains != "":
		m["contains"] = c.Contains
	}
	return m
}

// unseenProblems splits a step's errors: those of questions the citizen
// saw (shown), and those of questions that appeared only with this
// answer (new). A form without "gesehen" (an old page) saw everything.
func unseenProblems(ps forms.Problems, seen []string, present bool) (shown forms.Problems, fresh int) {
	if !present {
		return ps, 0
	}
	set := map[string]bool{}
	for _, s := range seen {
		for _, name := range strings.Fields(s) {
			set[name] = true
		}
	}
	for _, p := range ps {
		if set[p.Path] {
			shown = append(shown, p)
		} else if !p.Soft {
			fresh++
		}
	}
	return shown, fresh
}
