package finder

import (
	"math"
	"testing"
)

// TestKleeneTables checks the truth tables of Kleene's strong three-valued
// logic: unknown AND false = false, unknown AND true = unknown, OR dually,
// NOT unknown = unknown.
func TestKleeneTables(t *testing.T) {
	vals := []Tri{False, Unknown, True}
	and := [3][3]Tri{
		{False, False, False},
		{False, Unknown, Unknown},
		{False, Unknown, True},
	}
	or := [3][3]Tri{
		{False, Unknown, True},
		{Unknown, Unknown, True},
		{True, True, True},
	}
	for i, a := range vals {
		for j, b := range vals {
			if got := a.And(b); got != and[i][j] {
				t.Errorf("%v AND %v = %v, want %v", a, b, got, and[i][j])
			}
			if got := a.Or(b); got != or[i][j] {
				t.Errorf("%v OR %v = %v, want %v", a, b, got, or[i][j])
			}
		}
	}
	for _, tt := range []struct{ in, want Tri }{{False, True}, {Unknown, Unknown}, {True, False}} {
		if got := tt.in.Not(); got != tt.want {
			t.Errorf("NOT %v = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestIntervalComparisons(t *testing.T) {
	inf := math.Inf(1)
	for _, tt := range []struct {
		name string
		got  Tri
		want Tri
	}{
		{"3 < 5", less(Exact(3), Exact(5)), True},
		{"5 < 5", less(Exact(5), Exact(5)), False},
		{"[0,10] < 20", less(Interval{0, 10}, Exact(20)), True},
		{"[0,10] < 5", less(Interval{0, 10}, Exact(5)), Unknown},
		{"[10,20] < 5", less(Interval{10, 20}, Exact(5)), False},
		{"5 <= 5", lessEq(Exact(5), Exact(5)), True},
		{"[5,6] <= 5", lessEq(Interval{5, 6}, Exact(5)), Unknown},
		{"everything < 1", less(Everything, Exact(1)), Unknown},
		{"2 == 2", equal(Exact(2), Exact(2)), True},
		{"[1,3] == 2", equal(Interval{1, 3}, Exact(2)), Unknown},
		{"[3,4] == 2", equal(Interval{3, 4}, Exact(2)), False},
		{"[0,inf] < 0", less(Interval{0, inf}, Exact(0)), False},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if got := (Interval{1, 2}).mul(Interval{-3, 4}); got != (Interval{-6, 8}) {
		t.Errorf("[1,2]×[-3,4] = %v", got)
	}
	if got := (Interval{0, 0}).mul(Everything); got != (Interval{0, 0}) {
		t.Errorf("0×everything = %v, want 0", got)
	}
	if got := (Interval{1, 2}).sub(Interval{0, 5}); got != (Interval{-4, 2}) {
		t.Errorf("[1,2]-[0,5] = %v", got)
	}
}
