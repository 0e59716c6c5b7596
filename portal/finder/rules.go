package finder

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed rules.json
var embeddedRules []byte

// QuestionType is how a question is answered.
type QuestionType string

// The question types: yes/no, a whole number within Min..Max, one of the
// Options, or any number of the Options (with "none" standing alone).
const (
	TypeBool   QuestionType = "bool"
	TypeInt    QuestionType = "int"
	TypeChoice QuestionType = "choice"
	TypeMulti  QuestionType = "multi"
)

// None is the option of a multi question that says "none of these".
const None = "none"

// Question is one question of the finder. Its text is the message
// "finder.q.<ID>.label" (and ".hint"); option labels are
// "finder.q.<ID>.opt.<option>".
type Question struct {
	ID       string
	Group    string
	Type     QuestionType
	Min, Max int      // for TypeInt
	Options  []string // for TypeChoice and TypeMulti
	Unit     string   // "EUR" for amounts, "" otherwise
	Widget   string   // a rendering hint: "month" for a month select
	Step     int      // the page (1-based) that asks it
	index    int
}

// Group is one page of the finder: a life area with its questions.
type Group struct {
	ID        string
	Questions []*Question
}

// Criterion is one condition of a benefit, with its legal basis. Its
// reasons are the messages "finder.benefit.<benefit>.<ID>.yes" and ".no".
type Criterion struct {
	ID     string
	Law    string
	Params []string // parameters whose values its texts show
	cond   boolNode
	// Otherwise are the texts of a failing criterion for households the
	// general text would mislead: the first whose condition holds gives
	// the key's last part ("…hzl.not_employable.no.pension").
	Otherwise []TextVariant
}

// TextVariant is a text of a failing criterion for some households.
type TextVariant struct {
	Key  string
	cond boolNode
}

// Benefit is one benefit the finder assesses.
type Benefit struct {
	ID          string
	Service     string // the service information page, "" for none
	Law         string // legal basis of the benefit as a whole
	Counselling bool   // a counselling offer rather than a payment
	Criteria    []Criterion
	NotChecked  []string // keys "finder.unchecked.<key>": what the finder does not check
	index       int
}

// Rules are the parsed, validated finder rules. They are immutable and
// safe for concurrent use.
type Rules struct {
	Version    string
	groups     []*Group
	questions  []*Question
	byID       map[string]*Question
	params     map[string]*Parameter
	benefits   []*Benefit
	benefitIdx map[string]int
	order      []int // benefits in evaluation order (dependencies first)
}

// Parameter is a legal quantity with values that change over time.
type Parameter struct {
	ID     string
	Unit   string
	Values []ParamValue // sorted by From
}

// ParamValue is the value of a parameter from a date on, with the legal
// source it comes from. Table parameters map an integer key (a birth
// year) to a value; keys below or above the listed ones take Below or
// Above.
type ParamValue struct {
	From  time.Time
	Value float64
	Table *Table
	Law   string
}

// Table is a parameter keyed by an integer.
type Table struct {
	Below, Above float64
	Entries      map[int]float64
	minKey       int
	maxKey       int
}

// Load parses the embedded rules.
func Load() (*Rules, error) { return Parse(embeddedRules) }

// Groups returns the finder's pages in order.
func (r *Rules) Groups() []*Group { return r.groups }

// Questions returns every question in page order.
func (r *Rules) Questions() []*Question { return r.questions }

// Question returns a question by ID.
func (r *Rules) Question(id string) (*Question, bool) {
	q, ok := r.byID[id]
	return q, ok
}

// Benefits returns the benefits in the order of the rules file.
func (r *Rules) Benefits() []*Benefit { return r.benefits }

// Parameter returns a parameter by ID.
func (r *Rules) Parameter(id string) (*Parameter, bool) {
	p, ok := r.params[id]
	return p, ok
}

// At returns the value of the parameter on the given day.
func (p *Parameter) At(t time.Time) (ParamValue, error) {
	for i := len(p.Values) - 1; i >= 0; i-- {
		if !t.Before(p.Values[i].From) {
			return p.Values[i], nil
		}
	}
	return ParamValue{}, fmt.Errorf("parameter %s has no value on %s", p.ID, t.Format(time.DateOnly))
}

// Lookup returns the table's value for key.
func (t *Table) Lookup(key int) float64 {
	switch {
	case key < t.minKey:
		return t.Below
	case key > t.maxKey:
		return t.Above
	}
	if v, ok := t.Entries[key]; ok {
		return v
	}
	return t.Above
}

// lookupInterval returns the smallest interval holding the table's values
// for every key in k.
func (t *Table) lookupInterval(k Interval) Interval {
	lo, hi := math.Floor(k.Lo), math.Ceil(k.Hi)
	// Clamp: keys beyond the listed ones all share Below or Above.
	lo = max(lo, float64(t.minKey-1))
	hi = min(hi, float64(t.maxKey+1))
	if lo > hi {
		lo, hi = hi, lo
	}
	out := Exact(t.Lookup(int(lo)))
	for key := int(lo) + 1; key <= int(hi); key++ {
		out = out.hull(Exact(t.Lookup(key)))
	}
	return out
}

// The file format of rules.json.
type fileRules struct {
	Version     string                     `json:"version"`
	Groups      []fileGroup                `json:"groups"`
	Questions   []fileQuestion             `json:"questions"`
	Parameters  map[string]fileParam       `json:"parameters"`
	Definitions map[string]json.RawMessage `json:"definitions"`
	Benefits    []fileBenefit              `json:"benefits"`
}

type fileGroup struct {
	ID        string   `json:"id"`
	Questions []string `json:"questions"`
}

type fileQuestion struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Min     *int     `json:"min"`
	Max     *int     `json:"max"`
	Options []string `json:"options"`
	Unit    string   `json:"unit"`
	Widget  string   `json:"widget"`
}

type fileParam struct {
	Unit   string           `json:"unit"`
	Values []fileParamValue `json:"values"`
}

type fileParamValue struct {
	From  string     `json:"from"`
	Value *float64   `json:"value"`
	Table *fileTable `json:"table"`
	Law   string     `json:"law"`
}

type fileTable struct {
	Below   float64            `json:"below"`
	Above   float64            `json:"above"`
	Entries map[string]float64 `json:"entries"`
}

type fileBenefit struct {
	ID          string          `json:"id"`
	Service     string          `json:"service"`
	Law         string          `json:"law"`
	Counselling bool            `json:"counselling"`
	Criteria    []fileCriterion `json:"criteria"`
	NotChecked  []string        `json:"notChecked"`
}

type fileCriterion struct {
	ID        string          `json:"id"`
	When      json.RawMessage `json:"when"`
	Law       string          `json:"law"`
	Params    []string        `json:"params"`
	Otherwise []fileVariant   `json:"otherwise"`
}

type fileVariant struct {
	When json.RawMessage `json:"when"`
	Key  string          `json:"key"`
}

// maxQuestions bounds the questions so that a set of them fits a bitset.
const maxQuestions = 64

// Parse reads and validates rules. Every reference must resolve: an
// unknown question, parameter, definition or benefit, a cycle, a question
// on no page or an invalid date is an error, so that a broken rules file
// stops the start instead of misleading citizens.
func Parse(data []byte) (*Rules, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f fileRules
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("finder rules: %w", err)
	}
	if f.Version == "" {
		return nil, errors.New("finder rules: no version")
	}
	r := &Rules{Version: f.Version, byID: map[string]*Question{}, params: map[string]*Parameter{}, benefitIdx: map[string]int{}}
	if err := r.parseQuestions(f); err != nil {
		return nil, fmt.Errorf("finder rules %s: %w", f.Version, err)
	}
	if err := r.parseParams(f.Parameters); err != nil {
		return nil, fmt.Errorf("finder rules %s: %w", f.Version, err)
	}
	for i, b := range f.Benefits {
		if b.ID == "" {
			return nil, fmt.Errorf("finder rules %s: benefit %d has no id", f.Version, i)
		}
		if _, dup := r.benefitIdx[b.ID]; dup {
			return nil, fmt.Errorf("finder rules %s: benefit %s is defined twice", f.Version, b.ID)
		}
		r.benefitIdx[b.ID] = i
	}
	c := &compiler{r: r, defs: f.Definitions, bools: map[string]boolNode{}, nums: map[string]numNode{}, busy: map[string]bool{}}
	for i, fb := range f.Benefits {
		b := &Benefit{ID: fb.ID, Service: fb.Service, Law: fb.Law, Counselling: fb.Counselling, NotChecked: fb.NotChecked, index: i}
		c.current = i
		if len(fb.Criteria) == 0 {
			return nil, fmt.Errorf("finder rules %s: benefit %s has no criteria", f.Version, b.ID)
		}
		for _, fc := range fb.Criteria {
			node, err := c.boolean(fc.When)
			if err != nil {
				return nil, fmt.Errorf("finder rules %s: benefit %s, criterion %s: %w", f.Version, b.ID, fc.ID, err)
			}
			for _, p := range fc.Params {
				if _, ok := r.params[p]; !ok {
					return nil, fmt.Errorf("finder rules %s: benefit %s, criterion %s: unknown parameter %q", f.Version, b.ID, fc.ID, p)
				}
			}
			if fc.ID == "" || fc.Law == "" {
				return nil, fmt.Errorf("finder rules %s: benefit %s: every criterion needs an id and a legal reference", f.Version, b.ID)
			}
			crit := Criterion{ID: fc.ID, Law: fc.Law, Params: fc.Params, cond: node}
			for _, fv := range fc.Otherwise {
				vn, err := c.boolean(fv.When)
				if err != nil {
					return nil, fmt.Errorf("finder rules %s: benefit %s, criterion %s, text %s: %w", f.Version, b.ID, fc.ID, fv.Key, err)
				}
				if fv.Key == "" || strings.ContainsAny(fv.Key, ". ") {
					return nil, fmt.Errorf("finder rules %s: benefit %s, criterion %s: a text variant needs a key without dots", f.Version, b.ID, fc.ID)
				}
				crit.Otherwise = append(crit.Otherwise, TextVariant{Key: fv.Key, cond: vn})
			}
			b.Criteria = append(b.Criteria, crit)
		}
		r.benefits = append(r.benefits, b)
	}
	for name := range f.Definitions {
		if _, used := c.bools[name]; !used {
			if _, used := c.nums[name]; !used {
				return nil, fmt.Errorf("finder rules %s: definition %s is never used", f.Version, name)
			}
		}
	}
	order, err := r.evaluationOrder(c.benefitDeps)
	if err != nil {
		return nil, fmt.Errorf("finder rules %s: %w", f.Version, err)
	}
	r.order = order
	return r, nil
}

func (r *Rules) parseQuestions(f fileRules) error {
	declared := map[string]fileQuestion{}
	for _, q := range f.Questions {
		if q.ID == "" {
			return errors.New("a question has no id")
		}
		if _, dup := declared[q.ID]; dup {
			return fmt.Errorf("question %s is defined twice", q.ID)
		}
		declared[q.ID] = q
	}
	for _, g := range f.Groups {
		if g.ID == "" || len(g.Questions) == 0 {
			return errors.New("every group needs an id and questions")
		}
		grp := &Group{ID: g.ID}
		for _, id := range g.Questions {
			fq, ok := declared[id]
			if !ok {
				return fmt.Errorf("group %s: unknown question %q", g.ID, id)
			}
			if _, twice := r.byID[id]; twice {
				return fmt.Errorf("question %s is on two pages", id)
			}
			q := &Question{ID: id, Group: g.ID, Type: QuestionType(fq.Type), Options: fq.Options, Unit: fq.Unit, Widget: fq.Widget, index: len(r.questions)}
			switch q.Type {
			case TypeBool:
			case TypeInt:
				if fq.Min == nil || fq.Max == nil || *fq.Min > *fq.Max {
					return fmt.Errorf("question %s: a number question needs min <= max", id)
				}
				q.Min, q.Max = *fq.Min, *fq.Max
			case TypeChoice, TypeMulti:
				if len(fq.Options) < 2 {
					return fmt.Errorf("question %s: needs at least two options", id)
				}
				seen := map[string]bool{}
				for _, o := range fq.Options {
					if o == "" || seen[o] {
						return fmt.Errorf("question %s: empty or repeated option %q", id, o)
					}
					seen[o] = true
				}
			default:
				return fmt.Errorf("question %s: unknown type %q", id, fq.Type)
			}
			q.Step = len(r.groups) + 1
			r.byID[id] = q
			r.questions = append(r.questions, q)
			grp.Questions = append(grp.Questions, q)
		}
		r.groups = append(r.groups, grp)
	}
	for id := range declared {
		if _, ok := r.byID[id]; !ok {
			return fmt.Errorf("question %s is on no page", id)
		}
	}
	if len(r.questions) > maxQuestions {
		return fmt.Errorf("at most %d questions", maxQuestions)
	}
	return nil
}

func (r *Rules) parseParams(fps map[string]fileParam) error {
	for id, fp := range fps {
		p := &Parameter{ID: id, Unit: fp.Unit}
		if len(fp.Values) == 0 {
			return fmt.Errorf("parameter %s has no values", id)
		}
		for _, fv := range fp.Values {
			from, err := time.Parse(time.DateOnly, fv.From)
			if err != nil {
				return fmt.Errorf("parameter %s: date %q: %w", id, fv.From, err)
			}
			if fv.Law == "" {
				return fmt.Errorf("parameter %s from %s: no legal reference", id, fv.From)
			}
			v := ParamValue{From: from, Law: fv.Law}
			switch {
			case fv.Value != nil && fv.Table == nil:
				v.Value = *fv.Value
			case fv.Table != nil && fv.Value == nil:
				t := &Table{Below: fv.Table.Below, Above: fv.Table.Above, Entries: map[int]float64{}, minKey: math.MaxInt, maxKey: math.MinInt}
				for k, val := range fv.Table.Entries {
					key, err := strconv.Atoi(k)
					if err != nil {
						return fmt.Errorf("parameter %s: table key %q is not a number", id, k)
					}
					t.Entries[key] = val
					t.minKey, t.maxKey = min(t.minKey, key), max(t.maxKey, key)
				}
				if len(t.Entries) == 0 {
					return fmt.Errorf("parameter %s: empty table", id)
				}
				for key := t.minKey; key <= t.maxKey; key++ {
					if _, ok := t.Entries[key]; !ok {
						return fmt.Errorf("parameter %s: table has a gap at %d", id, key)
					}
				}
				v.Table = t
			default:
				return fmt.Errorf("parameter %s from %s: give either a value or a table", id, fv.From)
			}
			p.Values = append(p.Values, v)
		}
		slices.SortFunc(p.Values, func(a, b ParamValue) int { return a.From.Compare(b.From) })
		for i := 1; i < len(p.Values); i++ {
			if p.Values[i].From.Equal(p.Values[i-1].From) {
				return fmt.Errorf("parameter %s: two values from %s", id, p.Values[i].From.Format(time.DateOnly))
			}
			if (p.Values[i].Table == nil) != (p.Values[0].Table == nil) {
				return fmt.Errorf("parameter %s mixes tables and single values", id)
			}
		}
		r.params[id] = p
	}
	return nil
}

// evaluationOrder sorts the benefits so that a benefit comes after those
// its criteria refer to; a cycle is an error.
func (r *Rules) evaluationOrder(deps map[int][]int) ([]int, error) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(r.benefits))
	var order []int
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case visiting:
			return fmt.Errorf("benefit %s depends on itself", r.benefits[i].ID)
		case done:
			return nil
		}
		state[i] = visiting
		for _, d := range deps[i] {
			if err := visit(d); err != nil {
				return err
			}
		}
		state[i] = done
		order = append(order, i)
		return nil
	}
	for i := range r.benefits {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// TextKeys lists every message key the rules need: question labels,
// hints and options, group titles, benefit names, reasons and what the
// finder does not check. The portal checks at start that its catalogues
// hold them.
func (r *Rules) TextKeys() []string {
	var keys []string
	for _, g := range r.groups {
		keys = append(keys, "finder.group."+g.ID)
	}
	for _, q := range r.questions {
		keys = append(keys, "finder.q."+q.ID+".label", "finder.q."+q.ID+".hint")
		for _, o := range q.Options {
			keys = append(keys, "finder.q."+q.ID+".opt."+o)
		}
	}
	seen := map[string]bool{}
	for _, b := range r.benefits {
		keys = append(keys, "finder.benefit."+b.ID+".name", "finder.benefit."+b.ID+".about")
		for _, c := range b.Criteria {
			keys = append(keys, "finder.benefit."+b.ID+"."+c.ID+".yes", "finder.benefit."+b.ID+"."+c.ID+".no")
			for _, v := range c.Otherwise {
				keys = append(keys, "finder.benefit."+b.ID+"."+c.ID+".no."+v.Key)
			}
		}
		for _, n := range b.NotChecked {
			if !seen[n] {
				seen[n] = true
				keys = append(keys, "finder.unchecked."+n)
			}
		}
	}
	return keys
}
