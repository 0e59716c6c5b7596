package finder

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// boolNode is a compiled condition. tri evaluates it; missing adds the
// unanswered questions that keep an unknown result unknown.
type boolNode interface {
	tri(e *evaluation) Tri
	missing(e *evaluation, set *uint64)
}

// numNode is a compiled number expression.
type numNode interface {
	num(e *evaluation) Interval
	missing(e *evaluation, set *uint64)
}

// compiler turns the JSON expressions of rules.json into nodes.
//
// Conditions: {"all": [c…]}, {"any": [c…]}, {"not": c}, {"q": id} (a
// yes/no question), {"q": id, "in": [option…]} (a choice, or a multi
// question with any of the options), {"lt"|"le"|"gt"|"ge"|"eq": [n, n]},
// {"ref": definition}, {"benefit": id} (true when that benefit's status is
// "possible"), true, false.
//
// Numbers: a literal, {"q": id}, {"param": id}, {"lookup": id, "key": n},
// {"add": [n…]}, {"mul": [n…]}, {"sub": [n, n]}, {"if": c, "then": n,
// "else": n}, {"ref": definition}, {"today": "month"} (the evaluation
// date's month as year×12 + month − 1).
type compiler struct {
	r           *Rules
	defs        map[string]json.RawMessage
	bools       map[string]boolNode
	nums        map[string]numNode
	busy        map[string]bool
	benefitDeps map[int][]int
	current     int // index of the benefit being compiled
}

func object(raw json.RawMessage) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("expected an object: %s", abbreviate(raw))
	}
	if len(m) == 0 {
		return nil, errors.New("empty expression")
	}
	return m, nil
}

func abbreviate(raw json.RawMessage) string {
	s := string(raw)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

func onlyKeys(m map[string]json.RawMessage, allowed ...string) error {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("unexpected key %q (allowed: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func (c *compiler) boolean(raw json.RawMessage) (boolNode, error) {
	switch strings.TrimSpace(string(raw)) {
	case "true":
		return constBool(True), nil
	case "false":
		return constBool(False), nil
	case "", "null":
		return nil, errors.New("missing condition")
	}
	m, err := object(raw)
	if err != nil {
		return nil, err
	}
	switch {
	case m["all"] != nil || m["any"] != nil:
		op := "all"
		if m["any"] != nil {
			op = "any"
		}
		if err := onlyKeys(m, op); err != nil {
			return nil, err
		}
		var parts []json.RawMessage
		if err := json.Unmarshal(m[op], &parts); err != nil || len(parts) == 0 {
			return nil, fmt.Errorf("%s needs a non-empty list", op)
		}
		n := &junction{any: op == "any"}
		for _, p := range parts {
			child, err := c.boolean(p)
			if err != nil {
				return nil, err
			}
			n.parts = append(n.parts, child)
		}
		return n, nil
	case m["not"] != nil:
		if err := onlyKeys(m, "not"); err != nil {
			return nil, err
		}
		child, err := c.boolean(m["not"])
		if err != nil {
			return nil, err
		}
		return &negation{child}, nil
	case m["q"] != nil:
		if err := onlyKeys(m, "q", "in"); err != nil {
			return nil, err
		}
		q, err := c.question(m["q"])
		if err != nil {
			return nil, err
		}
		if m["in"] == nil {
			if q.Type != TypeBool {
				return nil, fmt.Errorf("question %s is not yes/no: use \"in\"", q.ID)
			}
			return &boolQuestion{q: q}, nil
		}
		if q.Type != TypeChoice && q.Type != TypeMulti {
			return nil, fmt.Errorf("question %s has no options for \"in\"", q.ID)
		}
		var opts []string
		if err := json.Unmarshal(m["in"], &opts); err != nil || len(opts) == 0 {
			return nil, fmt.Errorf("question %s: \"in\" needs a list of options", q.ID)
		}
		for _, o := range opts {
			if !slices.Contains(q.Options, o) || o == None {
				return nil, fmt.Errorf("question %s has no option %q", q.ID, o)
			}
		}
		return &optionQuestion{q: q, in: opts}, nil
	case m["ref"] != nil:
		if err := onlyKeys(m, "ref"); err != nil {
			return nil, err
		}
		return c.boolRef(m["ref"])
	case m["benefit"] != nil:
		if err := onlyKeys(m, "benefit"); err != nil {
			return nil, err
		}
		var id string
		if err := json.Unmarshal(m["benefit"], &id); err != nil {
			return nil, errors.New("benefit needs an id")
		}
		i, ok := c.r.benefitIdx[id]
		if !ok {
			return nil, fmt.Errorf("unknown benefit %q", id)
		}
		if c.benefitDeps == nil {
			c.benefitDeps = map[int][]int{}
		}
		c.benefitDeps[c.current] = append(c.benefitDeps[c.current], i)
		return &benefitRef{index: i}, nil
	}
	for _, op := range []string{"lt", "le", "gt", "ge", "eq"} {
		if m[op] == nil {
			continue
		}
		if err := onlyKeys(m, op); err != nil {
			return nil, err
		}
		var args []json.RawMessage
		if err := json.Unmarshal(m[op], &args); err != nil || len(args) != 2 {
			return nil, fmt.Errorf("%s needs two numbers", op)
		}
		a, err := c.number(args[0])
		if err != nil {
			return nil, err
		}
		b, err := c.number(args[1])
		if err != nil {
			return nil, err
		}
		return &comparison{op: op, a: a, b: b}, nil
	}
	return nil, fmt.Errorf("unknown condition %s", abbreviate(raw))
}

func (c *compiler) question(raw json.RawMessage) (*Question, error) {
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return nil, errors.New("q needs a question id")
	}
	q, ok := c.r.byID[id]
	if !ok {
		return nil, fmt.Errorf("unknown question %q", id)
	}
	return q, nil
}

func (c *compiler) defName(raw json.RawMessage) (string, json.RawMessage, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return "", nil, errors.New("ref needs a definition name")
	}
	body, ok := c.defs[name]
	if !ok {
		return "", nil, fmt.Errorf("unknown definition %q", name)
	}
	if c.busy[name] {
		return "", nil, fmt.Errorf("definition %s refers to itself", name)
	}
	return name, body, nil
}

func (c *compiler) boolRef(raw json.RawMessage) (boolNode, error) {
	name, body, err := c.defName(raw)
	if err != nil {
		return nil, err
	}
	if n, ok := c.bools[name]; ok {
		return n, nil
	}
	if _, ok := c.nums[name]; ok {
		return nil, fmt.Errorf("definition %s is a number, not a condition", name)
	}
	c.busy[name] = true
	n, err := c.boolean(body)
	delete(c.busy, name)
	if err != nil {
		return nil, fmt.Errorf("definition %s: %w", name, err)
	}
	c.bools[name] = n
	return n, nil
}

func (c *compiler) numRef(raw json.RawMessage) (numNode, error) {
	name, body, err := c.defName(raw)
	if err != nil {
		return nil, err
	}
	if n, ok := c.nums[name]; ok {
		return n, nil
	}
	if _, ok := c.bools[name]; ok {
		return nil, fmt.Errorf("definition %s is a condition, not a number", name)
	}
	c.busy[name] = true
	n, err := c.number(body)
	delete(c.busy, name)
	if err != nil {
		return nil, fmt.Errorf("definition %s: %w", name, err)
	}
	c.nums[name] = n
	return n, nil
}

func (c *compiler) number(raw json.RawMessage) (numNode, error) {
	var lit float64
	if err := json.Unmarshal(raw, &lit); err == nil {
		return constNum(lit), nil
	}
	m, err := object(raw)
	if err != nil {
		return nil, err
	}
	switch {
	case m["q"] != nil:
		if err := onlyKeys(m, "q", "default"); err != nil {
			return nil, err
		}
		q, err := c.question(m["q"])
		if err != nil {
			return nil, err
		}
		if q.Type != TypeInt && q.Type != TypeBool {
			return nil, fmt.Errorf("question %s is not a number", q.ID)
		}
		if m["default"] != nil {
			// An optional detail: unanswered, it takes the default and
			// is not reported missing.
			var def float64
			if err := json.Unmarshal(m["default"], &def); err != nil {
				return nil, fmt.Errorf("question %s: default needs a number", q.ID)
			}
			return &numQuestion{q: q, def: &def}, nil
		}
		return &numQuestion{q: q}, nil
	case m["param"] != nil:
		if err := onlyKeys(m, "param"); err != nil {
			return nil, err
		}
		p, err := c.param(m["param"], false)
		if err != nil {
			return nil, err
		}
		return &paramNode{p: p}, nil
	case m["lookup"] != nil:
		if err := onlyKeys(m, "lookup", "key"); err != nil {
			return nil, err
		}
		p, err := c.param(m["lookup"], true)
		if err != nil {
			return nil, err
		}
		key, err := c.number(m["key"])
		if err != nil {
			return nil, fmt.Errorf("lookup %s: %w", p.ID, err)
		}
		return &lookupNode{p: p, key: key}, nil
	case m["add"] != nil || m["mul"] != nil || m["sub"] != nil || m["max"] != nil || m["min"] != nil:
		op := "add"
		for _, o := range []string{"mul", "sub", "max", "min"} {
			if m[o] != nil {
				op = o
			}
		}
		if err := onlyKeys(m, op); err != nil {
			return nil, err
		}
		var args []json.RawMessage
		if err := json.Unmarshal(m[op], &args); err != nil || len(args) < 2 || (op == "sub" && len(args) != 2) {
			return nil, fmt.Errorf("%s needs numbers (sub exactly two)", op)
		}
		n := &arith{op: op}
		for _, a := range args {
			child, err := c.number(a)
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, child)
		}
		return n, nil
	case m["if"] != nil:
		if err := onlyKeys(m, "if", "then", "else"); err != nil {
			return nil, err
		}
		cond, err := c.boolean(m["if"])
		if err != nil {
			return nil, err
		}
		then, err := c.number(m["then"])
		if err != nil {
			return nil, err
		}
		els, err := c.number(m["else"])
		if err != nil {
			return nil, err
		}
		return &choose{cond: cond, then: then, els: els}, nil
	case m["ref"] != nil:
		if err := onlyKeys(m, "ref"); err != nil {
			return nil, err
		}
		return c.numRef(m["ref"])
	case m["today"] != nil:
		if err := onlyKeys(m, "today"); err != nil {
			return nil, err
		}
		var unit string
		if err := json.Unmarshal(m["today"], &unit); err != nil || unit != "month" {
			return nil, errors.New(`today supports only "month"`)
		}
		return todayMonth{}, nil
	}
	return nil, fmt.Errorf("unknown number %s", abbreviate(raw))
}

func (c *compiler) param(raw json.RawMessage, table bool) (*Parameter, error) {
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return nil, errors.New("param needs a parameter id")
	}
	p, ok := c.r.params[id]
	if !ok {
		return nil, fmt.Errorf("unknown parameter %q", id)
	}
	if (p.Values[0].Table != nil) != table {
		if table {
			return nil, fmt.Errorf("parameter %s is not a table", id)
		}
		return nil, fmt.Errorf("parameter %s is a table: use lookup", id)
	}
	return p, nil
}

// The node types.

type constBool Tri

func (n constBool) tri(*evaluation) Tri          { return Tri(n) }
func (n constBool) missing(*evaluation, *uint64) {}

type junction struct {
	any   bool
	parts []boolNode
}

func (n *junction) tri(e *evaluation) Tri {
	out := True
	if n.any {
		out = False
	}
	for _, p := range n.parts {
		v := p.tri(e)
		if n.any {
			out = out.Or(v)
			if out == True {
				return True
			}
		} else {
			out = out.And(v)
			if out == False {
				return False
			}
		}
	}
	return out
}

func (n *junction) missing(e *evaluation, set *uint64) {
	for _, p := range n.parts {
		if p.tri(e) == Unknown {
			p.missing(e, set)
		}
	}
}

type negation struct{ child boolNode }

func (n *negation) tri(e *evaluation) Tri              { return n.child.tri(e).Not() }
func (n *negation) missing(e *evaluation, set *uint64) { n.child.missing(e, set) }

type boolQuestion struct{ q *Question }

func (n *boolQuestion) tri(e *evaluation) Tri {
	v := &e.vals[n.q.index]
	if !v.set {
		return Unknown
	}
	return TriOf(v.num == 1)
}

func (n *boolQuestion) missing(e *evaluation, set *uint64) { e.addMissing(n.q, set) }

type optionQuestion struct {
	q  *Question
	in []string
}

func (n *optionQuestion) tri(e *evaluation) Tri {
	v := &e.vals[n.q.index]
	if !v.set {
		return Unknown
	}
	for _, o := range n.in {
		if slices.Contains(v.options, o) {
			return True
		}
	}
	return False
}

func (n *optionQuestion) missing(e *evaluation, set *uint64) { e.addMissing(n.q, set) }

type comparison struct {
	op   string
	a, b numNode
}

func (n *comparison) tri(e *evaluation) Tri {
	a, b := n.a.num(e), n.b.num(e)
	switch n.op {
	case "lt":
		return less(a, b)
	case "le":
		return lessEq(a, b)
	case "gt":
		return less(b, a)
	case "ge":
		return lessEq(b, a)
	}
	return equal(a, b)
}

func (n *comparison) missing(e *evaluation, set *uint64) {
	n.a.missing(e, set)
	n.b.missing(e, set)
}

type benefitRef struct{ index int }

func (n *benefitRef) tri(e *evaluation) Tri { return e.status[n.index] }

func (n *benefitRef) missing(e *evaluation, set *uint64) {
	for _, c := range e.rules.benefits[n.index].Criteria {
		if c.cond.tri(e) == Unknown {
			c.cond.missing(e, set)
		}
	}
}

type constNum float64

func (n constNum) num(*evaluation) Interval     { return Exact(float64(n)) }
func (n constNum) missing(*evaluation, *uint64) {}

type numQuestion struct {
	q   *Question
	def *float64 // the value of an unanswered optional question
}

func (n *numQuestion) num(e *evaluation) Interval {
	v := &e.vals[n.q.index]
	if !v.set && n.def != nil {
		return Exact(*n.def)
	}
	if !v.set {
		if n.q.Type == TypeBool {
			return Interval{0, 1}
		}
		return Interval{float64(n.q.Min), float64(n.q.Max)}
	}
	return Exact(v.num)
}

func (n *numQuestion) missing(e *evaluation, set *uint64) {
	if n.def == nil {
		e.addMissing(n.q, set)
	}
}

type paramNode struct{ p *Parameter }

func (n *paramNode) num(e *evaluation) Interval {
	v, err := n.p.At(e.at)
	if err != nil {
		e.fail(err)
		return Everything
	}
	return Exact(v.Value)
}

func (n *paramNode) missing(*evaluation, *uint64) {}

type lookupNode struct {
	p   *Parameter
	key numNode
}

func (n *lookupNode) num(e *evaluation) Interval {
	v, err := n.p.At(e.at)
	if err != nil {
		e.fail(err)
		return Everything
	}
	k := n.key.num(e)
	if k.Known() {
		return Exact(v.Table.Lookup(int(k.Lo)))
	}
	return v.Table.lookupInterval(k)
}

func (n *lookupNode) missing(e *evaluation, set *uint64) { n.key.missing(e, set) }

type arith struct {
	op   string
	args []numNode
}

func (n *arith) num(e *evaluation) Interval {
	out := n.args[0].num(e)
	for _, a := range n.args[1:] {
		v := a.num(e)
		switch n.op {
		case "add":
			out = out.add(v)
		case "sub":
			out = out.sub(v)
		case "max":
			out = Interval{max(out.Lo, v.Lo), max(out.Hi, v.Hi)}
		case "min":
			out = Interval{min(out.Lo, v.Lo), min(out.Hi, v.Hi)}
		default:
			out = out.mul(v)
		}
	}
	return out
}

func (n *arith) missing(e *evaluation, set *uint64) {
	for _, a := range n.args {
		a.missing(e, set)
	}
}

type choose struct {
	cond      boolNode
	then, els numNode
}

func (n *choose) num(e *evaluation) Interval {
	switch n.cond.tri(e) {
	case True:
		return n.then.num(e)
	case False:
		return n.els.num(e)
	}
	return n.then.num(e).hull(n.els.num(e))
}

func (n *choose) missing(e *evaluation, set *uint64) {
	switch n.cond.tri(e) {
	case True:
		n.then.missing(e, set)
	case False:
		n.els.missing(e, set)
	default:
		n.cond.missing(e, set)
		n.then.missing(e, set)
		n.els.missing(e, set)
	}
}

type todayMonth struct{}

func (todayMonth) num(e *evaluation) Interval   { return Exact(e.month) }
func (todayMonth) missing(*evaluation, *uint64) {}
