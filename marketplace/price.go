package marketplace

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sozialplattform/tenant"
)

// Cents is an amount of money in euro cents. Money is never a float.
type Cents int64

// String formats the amount the German way: "1.234,50 €", "0,00 €".
func (c Cents) String() string { return c.Number() + " €" }

// Number formats the amount without the currency sign: "1.234,50".
func (c Cents) Number() string {
	neg := c < 0
	if neg {
		c = -c
	}
	euros := strconv.FormatInt(int64(c/100), 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range euros {
		if i > 0 && (len(euros)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	fmt.Fprintf(&b, ",%02d", int64(c%100))
	return b.String()
}

// ParseCents reads an amount as people type it: "12", "12,5", "1.234,56",
// "12.50" (a single dot with one or two decimals is a decimal point) and an
// optional "€".
func ParseCents(s string) (Cents, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "€"))
	if s == "" {
		return 0, fmt.Errorf("Bitte geben Sie einen Betrag an.")
	}
	if !strings.Contains(s, ",") && strings.Count(s, ".") == 1 {
		if i := strings.Index(s, "."); len(s)-i-1 <= 2 {
			s = strings.Replace(s, ".", ",", 1)
		}
	}
	s = strings.ReplaceAll(s, ".", "")
	whole, frac, _ := strings.Cut(s, ",")
	if len(frac) > 2 || whole == "" {
		return 0, fmt.Errorf("%q ist kein Betrag wie 12,50.", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q ist kein Betrag wie 12,50.", s)
		}
	}
	if len(whole) > 9 {
		return 0, fmt.Errorf("Der Betrag ist zu groß.")
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q ist kein Betrag wie 12,50.", s)
	}
	return Cents(n), nil
}

// Day is a calendar day as "2006-01-02"; days compare as strings.
type Day string

const dayLayout = "2006-01-02"

// DayOf is the calendar day of t in loc.
func DayOf(t time.Time, loc *time.Location) Day { return Day(t.In(loc).Format(dayLayout)) }

// ParseDay reads "2026-12-31" or the German "31.12.2026".
func ParseDay(s string) (Day, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{dayLayout, "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Day(t.Format(dayLayout)), nil
		}
	}
	return "", fmt.Errorf("%q ist kein Datum wie 31.12.2026.", s)
}

// Next is the day after d.
func (d Day) Next() Day {
	t, err := time.Parse(dayLayout, string(d))
	if err != nil {
		return d
	}
	return Day(t.AddDate(0, 0, 1).Format(dayLayout))
}

// German formats the day as "31.12.2026".
func (d Day) German() string {
	t, err := time.Parse(dayLayout, string(d))
	if err != nil {
		return string(d)
	}
	return t.Format("02.01.2006")
}

// Price is what a product costs a municipality from one day to another,
// both included. An open end (ValidUntil nil) lasts until further notice.
type Price struct {
	ValidFrom   Day   `json:"validFrom" doc:"erster Tag, z. B. 2025-01-01"`
	ValidUntil  *Day  `json:"validUntil,omitempty" doc:"letzter Tag (eingeschlossen); leer: bis auf Weiteres"`
	AmountCents Cents `json:"amountCents" minimum:"0" doc:"Betrag in Cent"`
}

// Covers reports whether the price applies on day d.
func (p Price) Covers(d Day) bool {
	return p.ValidFrom <= d && (p.ValidUntil == nil || d <= *p.ValidUntil)
}

// Period describes the validity in German: "01.01.2025 – 31.12.2026",
// "ab 01.01.2027".
func (p Price) Period() string {
	if p.ValidUntil == nil {
		return "ab " + p.ValidFrom.German()
	}
	return p.ValidFrom.German() + " – " + p.ValidUntil.German()
}

// maxCents caps a price at ten million euros: anything above is a typo.
const maxCents = Cents(1_000_000_000)

// checkPrices validates a product's price list and sorts it by start.
func checkPrices(prices []Price) ([]Price, error) {
	out := slices.Clone(prices)
	var errs tenant.FieldErrors
	for i := range out {
		p := &out[i]
		field := fmt.Sprintf("prices[%d]", i)
		from, err := ParseDay(string(p.ValidFrom))
		if err != nil {
			errs.Add(field+".validFrom", "%s", err.Error())
			continue
		}
		p.ValidFrom = from
		if p.ValidUntil != nil && strings.TrimSpace(string(*p.ValidUntil)) == "" {
			p.ValidUntil = nil
		}
		if p.ValidUntil != nil {
			until, err := ParseDay(string(*p.ValidUntil))
			if err != nil {
				errs.Add(field+".validUntil", "%s", err.Error())
				continue
			}
			if until < from {
				errs.Add(field+".validUntil", "Das Ende (%s) liegt vor dem Beginn (%s).", until.German(), from.German())
				continue
			}
			p.ValidUntil = &until
		}
		if p.AmountCents < 0 || p.AmountCents > maxCents {
			errs.Add(field+".amountCents", "Der Betrag muss zwischen 0 und %s liegen.", maxCents)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Price) int { return strings.Compare(string(a.ValidFrom), string(b.ValidFrom)) })
	for i := 1; i < len(out); i++ {
		prev := out[i-1]
		if prev.ValidUntil == nil || *prev.ValidUntil >= out[i].ValidFrom {
			errs.Add("prices", "Die Zeiträume %s und %s überschneiden sich.", prev.Period(), out[i].Period())
		}
	}
	return out, errs.Err()
}

// PriceAt returns what the product costs a municipality on day d, and
// false when no price is set for that day. A product that a state
// authority also uses stays free for municipalities.
func (p *Product) PriceAt(d Day) (Cents, bool) {
	if p.FreeForState {
		return 0, true
	}
	for _, pr := range p.Prices {
		if pr.Covers(d) {
			return pr.AmountCents, true
		}
	}
	return 0, false
}

// lastEnd returns the last day of the product's last price period, or
// false when there is no price or the last one is open-ended.
func (p *Product) lastEnd() (Day, bool) {
	if len(p.Prices) == 0 {
		return "", false
	}
	last := p.Prices[len(p.Prices)-1] // prices are sorted by start
	if last.ValidUntil == nil {
		return "", false
	}
	return *last.ValidUntil, true
}

// PriceEndsBetween reports the end of the product's last price period
// when it lies in [from, to] and the ministry must still decide what
// comes after: not for products that stay free for municipalities anyway
// (FreeForState) nor for those whose PriceAfter is already chosen.
func (p *Product) PriceEndsBetween(from, to Day) (Day, bool) {
	if p.FreeForState || p.PriceAfter != "" {
		return "", false
	}
	end, ok := p.lastEnd()
	return end, ok && from <= end && end <= to
}

// Quote is what the marketplace says about a product's price on one day.
type Quote struct {
	Cents Cents
	// Orderable is false when no price is set for the day and the
	// product may not be ordered without one.
	Orderable bool
	// Undecided is true when no price is decided for the day but the
	// ministry keeps the product orderable (PriceAfterOrderable).
	Undecided bool
	// ValidUntil is the last day of the price applied (nil: open-ended,
	// free for municipalities, or undecided).
	ValidUntil *Day
	// Note is the German hint next to the price, e.g. "Preis ab
	// 01.01.2027 noch nicht entschieden; der Dienst bleibt bestellbar."
	Note string
}

// QuoteAt returns the product's price on day d with what follows it.
func (p *Product) QuoteAt(d Day) Quote {
	if p.FreeForState {
		return Quote{Orderable: true, Note: "Für Kommunen unentgeltlich, da auch von einer Landesbehörde genutzt."}
	}
	after := func(end Day) string {
		next := end.Next().German()
		switch p.PriceAfter {
		case PriceAfterOrderable:
			return "Preis ab " + next + " noch nicht entschieden; der Dienst bleibt bestellbar."
		case PriceAfterClosed:
			return "Preis ab " + next + " noch nicht entschieden; ab dann nicht bestellbar, bis ein Preis feststeht."
		}
		return "Preis ab " + next + " noch nicht festgelegt."
	}
	for i, pr := range p.Prices {
		if !pr.Covers(d) {
			continue
		}
		q := Quote{Cents: pr.AmountCents, Orderable: true, ValidUntil: pr.ValidUntil}
		if pr.ValidUntil != nil && i == len(p.Prices)-1 {
			q.Note = after(*pr.ValidUntil)
		}
		return q
	}
	if end, ok := p.lastEnd(); ok && d > end && p.PriceAfter == PriceAfterOrderable {
		return Quote{Orderable: true, Undecided: true,
			Note: "Preis seit " + end.Next().German() + " noch nicht entschieden; der Dienst bleibt bestellbar. Über ein Entgelt entscheidet das Land gesondert."}
	}
	return Quote{}
}
