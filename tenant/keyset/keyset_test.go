package keyset

import (
	"reflect"
	"testing"
)

func TestPageSizeStaysWithinBounds(t *testing.T) {
	tests := []struct{ limit, want int }{
		{0, DefaultLimit}, {-3, DefaultLimit}, {1, 1}, {500, 500}, {501, MaxLimit}, {10000, MaxLimit},
	}
	for _, tt := range tests {
		if got := (Page[TimeKey]{Limit: tt.limit}).Size(); got != tt.want {
			t.Errorf("limit %d: size %d, want %d", tt.limit, got, tt.want)
		}
	}
}

func TestAfterExpandsTheRowComparisonPerDirection(t *testing.T) {
	tests := []struct {
		name     string
		order    Order
		vals     []any
		wantExpr string
		wantArgs []any
	}{
		{"one column descending", Order{{Expr: "id", Desc: true}}, []any{7}, "((id < ?))", []any{7}},
		{"newest first", NewestFirst("created_at"), []any{"t", "x"},
			"((created_at < ?) OR (created_at = ? AND id < ?))", []any{"t", "t", "x"}},
		{"mixed directions", Order{{Expr: "a"}, {Expr: "b", Desc: true}, {Expr: "id"}}, []any{1, 2, 3},
			"((a > ?) OR (a = ? AND b < ?) OR (a = ? AND b = ? AND id > ?))", []any{1, 1, 2, 1, 2, 3}},
	}
	for _, tt := range tests {
		expr, args := tt.order.after(tt.vals)
		if expr != tt.wantExpr || !reflect.DeepEqual(args, tt.wantArgs) {
			t.Errorf("%s: %s %v, want %s %v", tt.name, expr, args, tt.wantExpr, tt.wantArgs)
		}
	}
}

func TestCutTellsWhetherAnotherPageFollows(t *testing.T) {
	tests := []struct {
		rows     []int
		size     int
		wantLen  int
		wantMore bool
	}{
		{nil, 3, 0, false}, {[]int{1, 2}, 3, 2, false}, {[]int{1, 2, 3}, 3, 3, false}, {[]int{1, 2, 3, 4}, 3, 3, true},
	}
	for _, tt := range tests {
		page, more := Cut(tt.rows, tt.size)
		if len(page) != tt.wantLen || more != tt.wantMore || page == nil {
			t.Errorf("Cut(%v, %d) = %v, %v", tt.rows, tt.size, page, more)
		}
	}
}

func TestSeekStartsAfterThePosition(t *testing.T) {
	rows := []int{1, 3, 5, 7, 9}
	tests := []struct {
		name  string
		after func(int) bool
		size  int
		want  []int
	}{
		{"first page", nil, 2, []int{1, 3, 5}},
		{"after 3", func(r int) bool { return r > 3 }, 2, []int{5, 7, 9}},
		{"after a removed 4", func(r int) bool { return r > 4 }, 2, []int{5, 7, 9}},
		{"last rows", func(r int) bool { return r > 7 }, 2, []int{9}},
		{"past the end", func(r int) bool { return r > 9 }, 2, []int{}},
	}
	for _, tt := range tests {
		if got := Seek(rows, tt.after, tt.size); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
