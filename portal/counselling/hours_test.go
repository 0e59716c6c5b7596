package counselling_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

func TestValidateHours(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		hours  []counselling.Interval
		fields []string // fields with an error, in order
	}{
		{"fine", []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}, {Day: "mon", From: "13:00", To: "24:00"}}, nil},
		{"touching is no overlap", []counselling.Interval{{Day: "tue", From: "09:00", To: "12:00"}, {Day: "tue", From: "12:00", To: "13:00"}}, nil},
		{"end before start", []counselling.Interval{{Day: "mon", From: "12:00", To: "09:00"}}, []string{"h[0].to"}},
		{"empty span", []counselling.Interval{{Day: "mon", From: "09:00", To: "09:00"}}, []string{"h[0].to"}},
		{"overlap", []counselling.Interval{{Day: "wed", From: "09:00", To: "12:00"}, {Day: "wed", From: "11:30", To: "14:00"}}, []string{"h[1].from"}},
		{"overlap contained", []counselling.Interval{{Day: "wed", From: "08:00", To: "18:00"}, {Day: "thu", From: "09:00", To: "10:00"}, {Day: "wed", From: "09:00", To: "10:00"}}, []string{"h[2].from"}},
		{"unknown day", []counselling.Interval{{Day: "montag", From: "09:00", To: "12:00"}}, []string{"h[0].day"}},
		{"bad times", []counselling.Interval{{Day: "fri", From: "9 Uhr", To: "25:00"}}, []string{"h[0].from", "h[0].to"}},
		{"start at 24:00", []counselling.Interval{{Day: "fri", From: "24:00", To: "24:00"}}, []string{"h[0].from"}},
		{"note with pipe", []counselling.Interval{{Day: "fri", From: "09:00", To: "10:00", Note: "a|b"}}, []string{"h[0].note"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var errs tenant.FieldErrors
			counselling.ValidateHours(&errs, "h", tt.hours)
			var got []string
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("errors on %v, want %v (%v)", got, tt.fields, errs)
			}
		})
	}
}

// TestOpeningStatusAcrossDST: "Mo 09:00–12:00" means German wall-clock
// time before and after the changes of 29.03.2026 (CET → CEST) and
// 25.10.2026 (CEST → CET); a fixed offset would be an hour off on one side.
func TestOpeningStatusAcrossDST(t *testing.T) {
	t.Parallel()
	hours := []counselling.Interval{
		{Day: "mon", From: "09:00", To: "12:00"},
		{Day: "sun", From: "01:00", To: "04:00", Note: "Krisentelefon"}, // spans the missing/doubled hour
		{Day: "fri", From: "14:00", To: "16:00"},
	}
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tt := range []struct {
		name     string
		now      string
		open     bool
		boundary string // Until when open, Next when closed (RFC 3339, UTC)
	}{
		// Winter (CET = UTC+1): Monday 23.03.2026 09:00 is 08:00 UTC.
		{"winter monday 08:30 local", "2026-03-23T07:30:00Z", false, "2026-03-23T08:00:00Z"},
		{"winter monday 09:30 local", "2026-03-23T08:30:00Z", true, "2026-03-23T11:00:00Z"},
		// Summer (CEST = UTC+2) from Sunday 29.03.2026 02:00.
		{"after spring change 08:30 UTC is 10:30 local", "2026-03-30T08:30:00Z", true, "2026-03-30T10:00:00Z"},
		{"after spring change 06:30 UTC is 08:30 local", "2026-03-30T06:30:00Z", false, "2026-03-30T07:00:00Z"},
		// Next would be Friday 03.04. 14:00, but that is Karfreitag: Sunday 01:00 CEST.
		{"after spring change 10:30 UTC is 12:30 local", "2026-03-30T10:30:00Z", false, "2026-04-04T23:00:00Z"},
		// The spring Sunday itself: 01:00 CET = 00:00 UTC, 04:00 CEST = 02:00 UTC.
		{"spring sunday 01:30 local", "2026-03-29T00:30:00Z", true, "2026-03-29T02:00:00Z"},
		{"spring sunday 03:30 local (CEST)", "2026-03-29T01:30:00Z", true, "2026-03-29T02:00:00Z"},
		{"spring saturday evening", "2026-03-28T22:00:00Z", false, "2026-03-29T00:00:00Z"},
		// Autumn: Sunday 25.10.2026 03:00 CEST → 02:00 CET; 04:00 CET = 03:00 UTC.
		{"autumn sunday 03:30 UTC is 04:30 local", "2026-10-25T03:30:00Z", false, "2026-10-26T08:00:00Z"},
		{"autumn sunday 02:30 UTC is 03:30 local", "2026-10-25T02:30:00Z", true, "2026-10-25T03:00:00Z"},
		{"autumn monday 08:30 UTC is 09:30 local", "2026-10-26T08:30:00Z", true, "2026-10-26T11:00:00Z"},
		{"before autumn change, friday 12:30 UTC is 14:30 local", "2026-10-23T12:30:00Z", true, "2026-10-23T14:00:00Z"},
		{"summer monday 07:30 UTC is 09:30 local", "2026-10-19T07:30:00Z", true, "2026-10-19T10:00:00Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := counselling.OpeningStatus(hours, utc(tt.now), berlin)
			if st.Open != tt.open {
				t.Fatalf("open = %v, want %v (%+v)", st.Open, tt.open, st)
			}
			got := st.Next
			if tt.open {
				got = st.Until
			}
			if got == nil || !got.Equal(utc(tt.boundary)) {
				t.Errorf("boundary = %v, want %s", got, tt.boundary)
			}
		})
	}
}

func TestOpeningStatusHolidays(t *testing.T) {
	t.Parallel()
	hours := []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}, {Day: "tue", From: "09:00", To: "12:00"}}
	// Ostermontag 06.04.2026: closed; next opening Tuesday.
	st := counselling.OpeningStatus(hours, time.Date(2026, 4, 6, 10, 0, 0, 0, berlin), berlin)
	if st.Open || st.Holiday != "Ostermontag" || st.Next == nil || !st.Next.Equal(time.Date(2026, 4, 7, 9, 0, 0, 0, berlin)) {
		t.Errorf("Ostermontag: %+v", st)
	}
	// Every holiday of tenant/holidays closes a centre open all week, and
	// names itself; an ordinary day does not.
	daily := []counselling.Interval{}
	for _, day := range counselling.WeekdayKeys() {
		daily = append(daily, counselling.Interval{Day: day, From: "09:00", To: "12:00"})
	}
	for _, d := range []struct {
		day  time.Time
		name string
	}{
		{time.Date(2026, 1, 6, 10, 0, 0, 0, berlin), "Heilige Drei Könige"},
		{time.Date(2026, 4, 3, 10, 0, 0, 0, berlin), "Karfreitag"},
		{time.Date(2026, 5, 14, 10, 0, 0, 0, berlin), "Christi Himmelfahrt"},
		{time.Date(2026, 5, 25, 10, 0, 0, 0, berlin), "Pfingstmontag"},
		{time.Date(2026, 10, 31, 10, 0, 0, 0, berlin), "Reformationstag"},
		{time.Date(2027, 3, 26, 10, 0, 0, 0, berlin), "Karfreitag"},
		{time.Date(2026, 6, 17, 10, 0, 0, 0, berlin), ""},
	} {
		st := counselling.OpeningStatus(daily, d.day, berlin)
		if st.Holiday != d.name || st.Open != (d.name == "") {
			t.Errorf("%s: holiday %q open %v, want %q", d.day.Format("02.01.2006"), st.Holiday, st.Open, d.name)
		}
	}
	if st := counselling.OpeningStatus(nil, time.Now(), berlin); st.Known || st.Open {
		t.Errorf("no hours: %+v", st)
	}
}

func TestEntryValidation(t *testing.T) {
	t.Parallel()
	topics := []string{counselling.TopicDebt, "suchtberatung"}
	for _, tt := range []struct {
		name   string
		change func(e *counselling.Entry)
		field  string // "" = valid
	}{
		{"valid", func(e *counselling.Entry) {}, ""},
		{"latitude out of range", func(e *counselling.Entry) { e.Addresses[0].Lat = 91 }, "addresses[0].lat"},
		{"longitude out of range", func(e *counselling.Entry) { e.Addresses[0].Lon = -200 }, "addresses[0].lon"},
		{"outside Germany", func(e *counselling.Entry) { e.Addresses[0].Lat, e.Addresses[0].Lon = 48.85, 2.35 }, "addresses[0].lat"},
		{"swapped", func(e *counselling.Entry) { e.Addresses[0].Lat, e.Addresses[0].Lon = 11.05, 51.89 }, "addresses[0].lat"},
		{"no coordinates", func(e *counselling.Entry) { e.Addresses[0].Lat, e.Addresses[0].Lon = 0, 0 }, "addresses[0].lat"},
		{"unknown topic", func(e *counselling.Entry) { e.Topics = []string{"astrologie"} }, "topics[0]"},
		{"no topic", func(e *counselling.Entry) { e.Topics = nil }, "topics"},
		{"overlapping hours", func(e *counselling.Entry) {
			e.OpeningHours = append(e.OpeningHours, counselling.Interval{Day: "mon", From: "11:00", To: "13:00"})
		}, "openingHours[2].from"},
		{"hours end before start", func(e *counselling.Entry) {
			e.EmergencyHours = []counselling.Interval{{Day: "sat", From: "18:00", To: "08:00"}}
		}, "emergencyHours[0].to"},
		{"http website", func(e *counselling.Entry) { e.Website = "http://beratung.example" }, "website"},
		{"language code", func(e *counselling.Entry) { e.Languages = []string{"deu"} }, "languages[0]"},
		{"deprecated language code", func(e *counselling.Entry) { e.Languages = []string{"iw"} }, "languages[0]"},
		{"service area", func(e *counselling.Entry) { e.ServiceArea = []string{"99085"} }, "serviceArea[0]"},
		{"service area with blank", func(e *counselling.Entry) { e.ServiceArea = []string{"15 085"} }, ""},
		{"unknown way", func(e *counselling.Entry) { e.Ways = []string{"brieftaube"} }, "ways[0]"},
		{"no contact", func(e *counselling.Entry) { e.Phone, e.Email = "", "" }, "phone"},
		{"§ 305 without debt topic", func(e *counselling.Entry) { e.Topics = []string{"suchtberatung"}; e.Insolvency305 = true }, "insolvency305"},
		{"label on main address", func(e *counselling.Entry) { e.Addresses[0].Label = "Zentrale" }, "addresses[0].label"},
		{"postal code", func(e *counselling.Entry) { e.Addresses[0].PostalCode = "3882" }, "addresses[0].postalCode"},
		{"waiting time", func(e *counselling.Entry) { n := -1; e.WaitingDays = &n }, "waitingDays"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := entry("Beratung", 51.89, 11.05)
			tt.change(&e)
			err := e.Validate(topics)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var fe tenant.FieldErrors
			if !errors.As(err, &fe) || fe.For(tt.field) == "" {
				t.Fatalf("want an error on %s, got %v", tt.field, err)
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"183d": 183 * 24 * time.Hour, "6mo": 4383 * time.Hour, "26w": 26 * 7 * 24 * time.Hour, "4380h": 4380 * time.Hour} {
		got, err := counselling.ParseAge(in)
		if err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0d", "-5d", "sechs Monate"} {
		if _, err := counselling.ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}
