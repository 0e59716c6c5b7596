package keyset

import (
	"time"

	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// Page sizes every listing shares.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Page asks for one page of a listing whose positions are K.
type Page[K any] struct {
	// Limit is the number of rows wanted; 0 means DefaultLimit, more than
	// MaxLimit means MaxLimit.
	Limit int
	// After is the position of the previous page's last row; nil asks for
	// the first page.
	After *K
}

// Size is the page's limit within 1..MaxLimit.
func (p Page[K]) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultLimit
	case p.Limit > MaxLimit:
		return MaxLimit
	}
	return p.Limit
}

// Column is one column of a listing's order. Expr is SQL written by the
// store (never user input); nullable columns wrap themselves in COALESCE so
// that comparisons stay total.
type Column struct {
	Expr string
	Desc bool
}

// Order is a listing's order; its last column must be unique (the ID).
type Order []Column

// Apply orders q, narrows it to the rows after the position after (the
// values of the columns in order; none for the first page) and fetches one
// row more than size, which tells Cut whether another page follows.
func (o Order) Apply(q *bun.SelectQuery, size int, after ...any) *bun.SelectQuery {
	if len(after) > 0 {
		if len(after) != len(o) {
			panic(fmt.Sprintf("keyset: %d position values for %d order columns", len(after), len(o)))
		}
		expr, args := o.after(after)
		q = q.Where(expr, args...)
	}
	for _, c := range o {
		if c.Desc {
			q = q.OrderExpr(c.Expr + " DESC")
		} else {
			q = q.OrderExpr(c.Expr + " ASC")
		}
	}
	return q.Limit(int64(size) + 1)
}

// after expands the row comparison (a, b, id) > (x, y, z) into
// (a > x) OR (a = x AND b > y) OR (a = x AND b = y AND id > z), because the
// columns may run in different directions, which a row value cannot express.
func (o Order) after(vals []any) (string, []any) {
	var ors []string
	var args []any
	for i, c := range o {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, o[j].Expr+" = ?")
			args = append(args, vals[j])
		}
		op := " > ?"
		if c.Desc {
			op = " < ?"
		}
		ands = append(ands, c.Expr+op)
		args = append(args, vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

// Cut trims the extra row Apply fetched; more reports whether it was there,
// that is whether another page follows.
func Cut[T any](rows []T, size int) (page []T, more bool) {
	if rows == nil {
		return []T{}, false
	}
	if len(rows) > size {
		return rows[:size], true
	}
	return rows, false
}

// TimeKey is a position in a listing ordered by a time, then ID – the
// common shape ("newest first", "by date").
type TimeKey struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

// Values are the position's values for Order.Apply; none for nil.
func (k *TimeKey) Values() []any {
	if k == nil {
		return nil
	}
	return []any{k.At.UTC(), k.ID}
}

// NewestFirst orders by the time column col, newest first, then by ID.
func NewestFirst(col string) Order {
	return Order{{Expr: col, Desc: true}, {Expr: "id", Desc: true}}
}

// Seek is Apply for a listing sorted in Go (small sets compared by German
// collation or a computed distance): the rows of sorted that come after
// the position, as after reports (nil: from the first row), with one row
// more than size.
func Seek[T any](sorted []T, after func(T) bool, size int) []T {
	start := 0
	if after != nil {
		for start < len(sorted) && !after(sorted[start]) {
			start++
		}
	}
	end := min(start+size+1, len(sorted))
	return sorted[start:end]
}
