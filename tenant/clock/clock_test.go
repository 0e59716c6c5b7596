package clock_test

import (
	"testing"
	"time"

	"sozialplattform/tenant/clock"
)

func TestBerlinKnowsSummerTime(t *testing.T) {
	tests := []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), "13:00 CET"},
		{time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC), "14:00 CEST"},
		{time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), "01:59 CET"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "03:00 CEST"},
	}
	for _, tt := range tests {
		if got := tt.utc.In(clock.Berlin()).Format("15:04 MST"); got != tt.want {
			t.Errorf("%s in Berlin = %s, want %s", tt.utc, got, tt.want)
		}
	}
	if clock.Berlin() != clock.Berlin() {
		t.Error("the location is loaded more than once")
	}
}

func TestFunc(t *testing.T) {
	fixed := time.Date(2026, 12, 31, 23, 30, 0, 123456789, time.UTC) // 00:30 on 1 January in Germany
	c := clock.Func(func() time.Time { return fixed })
	tests := []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"Now", c.Now(), fixed},
		{"Stamp cuts to microseconds in UTC", c.Stamp(), time.Date(2026, 12, 31, 23, 30, 0, 123456000, time.UTC)},
		{"Today is the German day, stored as midnight UTC", c.Today(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"DateOf in summer", clock.DateOf(time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC)), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"DateOf before midnight", clock.DateOf(time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC)), time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		if !tt.got.Equal(tt.want) || tt.got.Location().String() != tt.want.Location().String() {
			t.Errorf("%s = %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	var zero clock.Func
	if d := time.Since(zero.Now()); d < 0 || d > time.Minute {
		t.Errorf("the zero clock is not time.Now: %s off", d)
	}
}
