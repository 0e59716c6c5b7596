package finder

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Answers are a citizen's answers in their text form: "yes"/"no" for
// yes/no questions, a decimal number, an option, or options joined by
// commas. A question without an entry (or with "") is unanswered. The text
// form is what forms send and what the session keeps.
type Answers map[string]string

// Problem says what is wrong with one answer. Code names the message the
// portal shows ("finder.error.<Code>"); Min and Max fill its placeholders.
type Problem struct {
	Question string
	Code     string // "unknown-question", "not-a-number", "range", "option", "none-alone", "yes-no"
	Min, Max int
}

func (p *Problem) Error() string {
	switch p.Code {
	case "unknown-question":
		return fmt.Sprintf("unknown question %q", p.Question)
	case "range":
		return fmt.Sprintf("%s: the number must lie between %d and %d", p.Question, p.Min, p.Max)
	}
	return fmt.Sprintf("%s: invalid answer (%s)", p.Question, p.Code)
}

// maxAnswerLen bounds an answer's text; no valid answer is longer.
const maxAnswerLen = 200

// Normalize checks one answer in text form and returns its canonical form
// ("" for unanswered). Whitespace around numbers is ignored; "1.500" and
// "1500,00" are not numbers – amounts are whole euros.
func (r *Rules) Normalize(questionID, text string) (string, *Problem) {
	q, ok := r.byID[questionID]
	if !ok {
		return "", &Problem{Question: questionID, Code: "unknown-question"}
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", nil
	}
	if len(text) > maxAnswerLen || !utf8.ValidString(text) {
		return "", &Problem{Question: q.ID, Code: q.invalidCode(), Min: q.Min, Max: q.Max}
	}
	switch q.Type {
	case TypeBool:
		switch text {
		case "yes", "no":
			return text, nil
		}
		return "", &Problem{Question: q.ID, Code: "yes-no"}
	case TypeInt:
		n, err := strconv.Atoi(text)
		if err != nil {
			return "", &Problem{Question: q.ID, Code: "not-a-number", Min: q.Min, Max: q.Max}
		}
		if n < q.Min || n > q.Max {
			return "", &Problem{Question: q.ID, Code: "range", Min: q.Min, Max: q.Max}
		}
		return strconv.Itoa(n), nil
	case TypeChoice:
		if slices.Contains(q.Options, text) {
			return text, nil
		}
		return "", &Problem{Question: q.ID, Code: "option"}
	}
	// TypeMulti
	parts := strings.Split(text, ",")
	seen := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if !slices.Contains(q.Options, p) {
			return "", &Problem{Question: q.ID, Code: "option"}
		}
		if !slices.Contains(seen, p) {
			seen = append(seen, p)
		}
	}
	if slices.Contains(seen, None) && len(seen) > 1 {
		return "", &Problem{Question: q.ID, Code: "none-alone"}
	}
	// Canonical order: the order of the options.
	slices.SortFunc(seen, func(a, b string) int { return slices.Index(q.Options, a) - slices.Index(q.Options, b) })
	return strings.Join(seen, ","), nil
}

func (q *Question) invalidCode() string {
	switch q.Type {
	case TypeBool:
		return "yes-no"
	case TypeInt:
		return "not-a-number"
	}
	return "option"
}

// FromJSON reads the answers of an API request: true/false for yes/no
// questions, a whole number, an option string, or a list of options (an
// empty list meaning none). null leaves a question unanswered. Unknown
// question IDs and invalid values are reported, each once, in question
// order (unknown IDs sorted last).
func (r *Rules) FromJSON(raw map[string]json.RawMessage) (Answers, []*Problem) {
	out := Answers{}
	var problems []*Problem
	var unknown []string
	for id := range raw {
		if _, ok := r.byID[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	for _, q := range r.questions {
		v, ok := raw[q.ID]
		if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			continue
		}
		text, p := r.jsonText(q, v)
		if p == nil {
			text, p = r.Normalize(q.ID, text)
		}
		if p != nil {
			problems = append(problems, p)
			continue
		}
		if text != "" {
			out[q.ID] = text
		}
	}
	slices.Sort(unknown)
	for _, id := range unknown {
		problems = append(problems, &Problem{Question: id, Code: "unknown-question"})
	}
	return out, problems
}

// jsonText turns one JSON value into the text form.
func (r *Rules) jsonText(q *Question, v json.RawMessage) (string, *Problem) {
	bad := &Problem{Question: q.ID, Code: q.invalidCode(), Min: q.Min, Max: q.Max}
	switch q.Type {
	case TypeBool:
		var b bool
		if json.Unmarshal(v, &b) != nil {
			return "", bad
		}
		if b {
			return "yes", nil
		}
		return "no", nil
	case TypeInt:
		var f float64
		if json.Unmarshal(v, &f) != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
			return "", bad
		}
		if f < float64(q.Min) || f > float64(q.Max) {
			return "", &Problem{Question: q.ID, Code: "range", Min: q.Min, Max: q.Max}
		}
		return strconv.Itoa(int(f)), nil
	case TypeChoice:
		var s string
		if json.Unmarshal(v, &s) != nil || s == "" {
			return "", bad
		}
		return s, nil
	}
	var list []string
	if json.Unmarshal(v, &list) != nil || len(list) > len(q.Options) {
		return "", bad
	}
	if len(list) == 0 {
		return None, nil
	}
	for _, s := range list {
		if s == "" || strings.Contains(s, ",") {
			return "", bad
		}
	}
	return strings.Join(list, ","), nil
}

// value is one answer ready for evaluation.
type value struct {
	set     bool
	num     float64
	options []string
}

// parse turns a canonical (or any valid) text answer into a value.
func (r *Rules) parse(q *Question, text string) (value, *Problem) {
	text, p := r.Normalize(q.ID, text)
	if p != nil || text == "" {
		return value{}, p
	}
	switch q.Type {
	case TypeBool:
		if text == "yes" {
			return value{set: true, num: 1}, nil
		}
		return value{set: true}, nil
	case TypeInt:
		n, _ := strconv.Atoi(text)
		return value{set: true, num: float64(n)}, nil
	case TypeChoice:
		return value{set: true, options: []string{text}}, nil
	}
	if text == None {
		return value{set: true, options: []string{}}, nil
	}
	return value{set: true, options: strings.Split(text, ",")}, nil
}

// Complete reports whether every question of the group is answered.
func (g *Group) Complete(a Answers) bool {
	for _, q := range g.Questions {
		if a[q.ID] == "" {
			return false
		}
	}
	return true
}
