package www

import (
	"fmt"
	"slices"
	"time"
)

// amountLine is one amount a service page states: a sentence of the
// catalogue with the finder's parameters as money in its {0}, {1} …
type amountLine struct {
	Key    string   // message key
	Params []string // finder parameter IDs, in the order of the placeholders
}

// regelbedarfLines are the Regelbedarfsstufen 1 to 6; Bürgergeld, Hilfe
// zum Lebensunterhalt and Grundsicherung pay the same amounts (§ 20 SGB II,
// § 28 SGB XII with the RBSFV).
var regelbedarfLines = []amountLine{
	{"service.amount.rbs1", []string{"rbs1"}}, {"service.amount.rbs2", []string{"rbs2"}},
	{"service.amount.rbs3", []string{"rbs3"}}, {"service.amount.rbs4", []string{"rbs4"}},
	{"service.amount.rbs5", []string{"rbs5"}}, {"service.amount.rbs6", []string{"rbs6"}},
}

// serviceAmounts are the amounts a service page states, with the note
// under them; services whose amounts the finder does not know have none.
// The figures come from the finder's rules (portal/finder/rules.json) on
// the day of the request, never from copies.
var serviceAmounts = map[string]struct {
	lines []amountLine
	note  amountLine
}{
	"buergergeld":    {regelbedarfLines, amountLine{"service.amounts.note.regelbedarf", nil}},
	"hzl":            {regelbedarfLines, amountLine{"service.amounts.note.regelbedarf", nil}},
	"grusi":          {regelbedarfLines, amountLine{"service.amounts.note.regelbedarf", nil}},
	"but":            {[]amountLine{{"service.amount.schulbedarf", []string{"schulbedarf_1", "schulbedarf_2"}}}, amountLine{"service.amounts.note.but", nil}},
	"kinderzuschlag": {[]amountLine{{"service.amount.kinderzuschlag", []string{"kinderzuschlag"}}}, amountLine{"service.amounts.note.kinderzuschlag", []string{"kiz_min_couple", "kiz_min_single"}}},
	"kindergeld":     {[]amountLine{{"service.amount.kindergeld", []string{"kindergeld"}}}, amountLine{"service.amounts.note.kindergeld", nil}},
}

// serviceAmountsView is the amounts section of a service page.
type serviceAmountsView struct {
	Lines []string // in the page's language, amounts formatted
	Note  string
	Year  int // the year of the request, whose amounts are shown
	Law   []string
}

// amountsFor returns the amounts of a service on a day, nil when the
// finder knows none for it.
func (p *Portal) amountsFor(cat *Catalogue, service string, at time.Time) (*serviceAmountsView, error) {
	spec, ok := serviceAmounts[service]
	if !ok || p.rules == nil {
		return nil, nil
	}
	v := &serviceAmountsView{Year: at.Year()}
	for _, l := range append(slices.Clone(spec.lines), spec.note) {
		args := make([]any, len(l.Params))
		for i, id := range l.Params {
			param, ok := p.rules.Parameter(id)
			if !ok {
				return nil, fmt.Errorf("service %s: finder parameter %s unknown", service, id)
			}
			pv, err := param.At(at)
			if err != nil {
				return nil, fmt.Errorf("service %s: parameter %s on %s: %w", service, id, at.Format(time.DateOnly), err)
			}
			args[i] = cat.Money(pv.Value)
			if pv.Law != "" && !slices.Contains(v.Law, pv.Law) {
				v.Law = append(v.Law, pv.Law)
			}
		}
		v.Lines = append(v.Lines, cat.Tf(l.Key, args...))
	}
	v.Note, v.Lines = v.Lines[len(v.Lines)-1], v.Lines[:len(v.Lines)-1]
	return v, nil
}
