package finder

import "math"

// Tri is a truth value of Kleene's three-valued logic: a condition over
// answers is true, false, or unknown because an answer it needs is missing.
type Tri int8

// The three truth values, ordered so that AND is the minimum and OR the
// maximum.
const (
	False Tri = iota
	Unknown
	True
)

// String names the value.
func (t Tri) String() string {
	switch t {
	case False:
		return "false"
	case True:
		return "true"
	}
	return "unknown"
}

// And is Kleene conjunction: false wins, then unknown.
func (t Tri) And(u Tri) Tri { return min(t, u) }

// Or is Kleene disjunction: true wins, then unknown.
func (t Tri) Or(u Tri) Tri { return max(t, u) }

// Not swaps true and false and keeps unknown.
func (t Tri) Not() Tri { return True - t }

// TriOf turns a Go bool into a Tri.
func TriOf(b bool) Tri {
	if b {
		return True
	}
	return False
}

// Interval is a number known to lie within [Lo, Hi]. A known number has
// Lo == Hi; a missing answer is the whole range the question allows. This
// generalises "unknown" to numbers: a comparison is true or false as soon
// as every value in the interval agrees, and unknown otherwise – a
// 40-year-old has not reached the Regelaltersgrenze even when the birth
// month is missing.
type Interval struct{ Lo, Hi float64 }

// Exact is the interval holding only v.
func Exact(v float64) Interval { return Interval{v, v} }

// Everything is the interval of a number nothing is known about.
var Everything = Interval{math.Inf(-1), math.Inf(1)}

// Known reports whether the interval holds a single number.
func (a Interval) Known() bool { return a.Lo == a.Hi }

func (a Interval) add(b Interval) Interval { return Interval{a.Lo + b.Lo, a.Hi + b.Hi} }

func (a Interval) sub(b Interval) Interval { return Interval{a.Lo - b.Hi, a.Hi - b.Lo} }

func (a Interval) mul(b Interval) Interval {
	p := [4]float64{mulInf(a.Lo, b.Lo), mulInf(a.Lo, b.Hi), mulInf(a.Hi, b.Lo), mulInf(a.Hi, b.Hi)}
	out := Interval{p[0], p[0]}
	for _, v := range p[1:] {
		out.Lo, out.Hi = min(out.Lo, v), max(out.Hi, v)
	}
	return out
}

// mulInf multiplies with 0 × ∞ = 0, which is what an interval bound needs.
func mulInf(x, y float64) float64 {
	if x == 0 || y == 0 {
		return 0
	}
	return x * y
}

// hull is the smallest interval holding both.
func (a Interval) hull(b Interval) Interval { return Interval{min(a.Lo, b.Lo), max(a.Hi, b.Hi)} }

// less is a < b.
func less(a, b Interval) Tri {
	switch {
	case a.Hi < b.Lo:
		return True
	case a.Lo >= b.Hi:
		return False
	}
	return Unknown
}

// lessEq is a <= b.
func lessEq(a, b Interval) Tri {
	switch {
	case a.Hi <= b.Lo:
		return True
	case a.Lo > b.Hi:
		return False
	}
	return Unknown
}

// equal is a == b.
func equal(a, b Interval) Tri {
	switch {
	case a.Known() && b.Known() && a.Lo == b.Lo:
		return True
	case a.Hi < b.Lo || b.Hi < a.Lo:
		return False
	}
	return Unknown
}
