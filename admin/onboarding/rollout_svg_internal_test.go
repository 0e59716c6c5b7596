package onboarding

import (
	"strconv"
	"strings"
	"testing"

	"sozialplattform/onboarding"
)

// Finding m17: bars and the running total share one scale with whole
// ticks – a total of 3 sits at the tick "3", a month's 1 go-live reaches
// the tick "1", and no tick is missing.
func TestGoLiveChartHasOneScale(t *testing.T) {
	c := newGoLiveChart([]onboarding.MonthCount{{Month: "2025-05", Label: "Mai 2025", Count: 1, Cumulative: 1},
		{Month: "2025-06", Label: "Juni 2025", Count: 2, Cumulative: 3}})
	ticks := map[string]int{}
	var labels []string
	for _, tk := range c.Ticks {
		ticks[tk.Label] = tk.Y
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "0 1 2 3" {
		t.Fatalf("ticks %q, want 0 1 2 3", got)
	}
	points := strings.Fields(c.Line)
	_, lastY, _ := strings.Cut(points[len(points)-1], ",")
	if y, _ := strconv.Atoi(lastY); y != ticks["3"] {
		t.Errorf("the total of 3 is drawn at y=%d, the tick 3 at y=%d", y, ticks["3"])
	}
	if c.Bars[0].Y != ticks["1"] || c.Bars[1].Y != ticks["2"] {
		t.Errorf("bars end at %d and %d, ticks 1 and 2 at %d and %d", c.Bars[0].Y, c.Bars[1].Y, ticks["1"], ticks["2"])
	}
}

func TestTickStep(t *testing.T) {
	for maxV, want := range map[int]int{1: 1, 3: 1, 5: 1, 6: 2, 10: 2, 11: 5, 25: 5, 26: 10, 400: 100} {
		if got := tickStep(maxV); got != want {
			t.Errorf("tickStep(%d) = %d, want %d", maxV, got, want)
		}
	}
}
