package finder

import (
	"errors"
	"fmt"
	"math/bits"
	"time"
)

// Status is the finder's verdict on one benefit.
type Status string

// The three verdicts of the finder.
const (
	Possible Status = "possible" // Möglicherweise Anspruch
	Unlikely Status = "unlikely" // Wahrscheinlich kein Anspruch
	Missing  Status = "missing"  // Fehlende Angaben
)

func statusOf(t Tri) Status {
	switch t {
	case True:
		return Possible
	case False:
		return Unlikely
	}
	return Missing
}

// Reason is one criterion's verdict in words: the message key of its
// "yes" or "no" text, the legal basis, and the values of the parameters
// the text shows (on the evaluation date).
type Reason struct {
	Criterion string
	Key       string
	Law       string
	Holds     Tri
	Params    map[string]float64
	// Units are the parameters' units ("EUR", "years", "months"), so that
	// a text shows 45 as an age and 563 as money.
	Units map[string]string
}

// Result is the verdict on one benefit.
type Result struct {
	Benefit *Benefit
	Status  Status
	// Reasons explain the status: for Unlikely the criteria that fail,
	// for Possible every criterion, for Missing the criteria that hold
	// or are open.
	Reasons []Reason
	// Missing are the questions whose answers would decide an open
	// criterion, in question order (only for Status Missing).
	Missing []*Question
}

// Evaluation is the finder's verdict on every benefit.
type Evaluation struct {
	At      time.Time
	Version string
	Results []Result // in the order of the rules file
}

// Result returns the verdict on one benefit.
func (ev *Evaluation) Result(benefitID string) (Result, bool) {
	for _, r := range ev.Results {
		if r.Benefit.ID == benefitID {
			return r, true
		}
	}
	return Result{}, false
}

// evaluation is the state of one Evaluate call.
type evaluation struct {
	rules  *Rules
	vals   []value
	at     time.Time
	month  float64
	status []Tri
	err    error
}

func (e *evaluation) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *evaluation) addMissing(q *Question, set *uint64) {
	if !e.vals[q.index].set {
		*set |= 1 << uint(q.index)
	}
}

// ErrInvalidAnswers wraps the problems Evaluate found in its answers.
var ErrInvalidAnswers = errors.New("invalid answers")

// Evaluate assesses every benefit for the answers on the given day (its
// parameters are the values valid then). Answers must be valid (see
// Normalize): an unknown question or an invalid value is an error wrapping
// ErrInvalidAnswers.
func (r *Rules) Evaluate(a Answers, at time.Time) (*Evaluation, error) {
	e := &evaluation{rules: r, vals: make([]value, len(r.questions)), at: at,
		month: float64(at.Year()*12 + int(at.Month()) - 1), status: make([]Tri, len(r.benefits))}
	for id, text := range a {
		q, ok := r.byID[id]
		if !ok {
			return nil, fmt.Errorf("%w: unknown question %q", ErrInvalidAnswers, id)
		}
		v, p := r.parse(q, text)
		if p != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidAnswers, p)
		}
		e.vals[q.index] = v
	}
	ev := &Evaluation{At: at, Version: r.Version, Results: make([]Result, len(r.benefits))}
	for _, i := range r.order {
		b := r.benefits[i]
		holds := make([]Tri, len(b.Criteria))
		all := True
		for j, c := range b.Criteria {
			holds[j] = c.cond.tri(e)
			all = all.And(holds[j])
		}
		e.status[i] = all
		res := Result{Benefit: b, Status: statusOf(all)}
		var missing uint64
		for j, c := range b.Criteria {
			if (all == False) != (holds[j] == False) {
				continue // for Unlikely only the failing criteria; otherwise no failing ones exist
			}
			reason := Reason{Criterion: c.ID, Law: c.Law, Holds: holds[j]}
			switch holds[j] {
			case True:
				reason.Key = "finder.benefit." + b.ID + "." + c.ID + ".yes"
			case False:
				reason.Key = "finder.benefit." + b.ID + "." + c.ID + ".no"
				for _, v := range c.Otherwise {
					if v.cond.tri(e) == True {
						reason.Key += "." + v.Key
						break
					}
				}
			default:
				c.cond.missing(e, &missing)
				continue
			}
			if len(c.Params) > 0 {
				reason.Params = make(map[string]float64, len(c.Params))
				reason.Units = make(map[string]string, len(c.Params))
				for _, pid := range c.Params {
					pv, err := r.params[pid].At(at)
					if err != nil {
						return nil, err
					}
					reason.Params[pid] = pv.Value
					reason.Units[pid] = r.params[pid].Unit
				}
			}
			res.Reasons = append(res.Reasons, reason)
		}
		for missing != 0 {
			k := bits.TrailingZeros64(missing)
			res.Missing = append(res.Missing, r.questions[k])
			missing &^= 1 << uint(k)
		}
		ev.Results[i] = res
	}
	if e.err != nil {
		return nil, e.err
	}
	return ev, nil
}
