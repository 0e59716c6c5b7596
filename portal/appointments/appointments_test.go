package appointments_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/clock/clocktest"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

var berlin = clock.Berlin()

type fixture struct {
	db      *migrations.DB
	outbox  *mail.Outbox
	tenants *tenant.Store
	store   *appointments.Store
	clock   *clocktest.Clock
	centre  *tenant.Tenant
	cal     *appointments.Calendar
}

// monday is Monday 15.06.2026, 08:00 German time: the test's "now".
var monday = time.Date(2026, 6, 15, 8, 0, 0, 0, berlin)

func newFixture(t testing.TB, opts appointments.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{BaseURL: "https://sozial.example", From: "noreply@sozial.example",
		PlatformName: "Sozialplattform Sachsen-Anhalt", Templates: []fs.FS{appointments.MailTemplates()}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, outbox: outbox, clock: clocktest.New(monday)}
	f.tenants = tenant.NewStore(db, outbox, tenant.Options{Passwords: passwordtest.Hasher()})
	opts.Now = f.clock.Now
	opts.Links = appointments.Links{ // the portal's addresses (www.AppointmentLinks)
		Booking:  web.LinkTo("https://sozial.example", "/{site}/termine/buchung/{token}"),
		Calendar: web.LinkTo("https://sozial.example", "/{site}/termine/buchung/{token}/termin.ics"),
		Cancel:   web.LinkTo("https://sozial.example", "/{site}/termine/absagen/{token}"),
	}
	if f.store, err = appointments.NewStore(db, outbox, opts); err != nil {
		t.Fatal(err)
	}
	key := "15"
	land := &tenant.Tenant{Kind: tenant.KindLand, Name: "Land", OfficialKey: &key, Active: true}
	if err := f.tenants.CreateTenant(ctx, land); err != nil {
		t.Fatal(err)
	}
	f.centre = &tenant.Tenant{Kind: tenant.KindOrganisation, Name: "Schuldnerberatung", ParentID: &land.ID, Active: true}
	if err := f.tenants.CreateTenant(ctx, f.centre); err != nil {
		t.Fatal(err)
	}
	f.cal, err = f.store.CreateCalendar(ctx, f.centre.ID, appointments.CalendarInput{Name: "Erstberatung", Location: "Markt 1, Halberstadt",
		SlotMinutes: 45, MinNoticeMinutes: 120, HorizonDays: 28, NotifyEmail: "team@beratung.example", Active: true,
		Availability: []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}, {Day: "wed", From: "14:00", To: "15:30"}},
		Exceptions:   []appointments.Exception{{From: "2026-06-24", Note: "Teamtag"}}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) mails(t testing.TB, template string) []mail.Stored {
	t.Helper()
	return mailtest.Stored(t, f.db.Read, template) // also the citizens' mails, which staff never see
}

func at(day, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, berlin)
	if err != nil {
		panic(err)
	}
	return t
}

func (f *fixture) book(start time.Time, email string) (*appointments.Booking, appointments.Tokens, error) {
	return f.store.Book(context.Background(), appointments.BookingInput{CalendarID: f.cal.ID, Start: start, Name: "Erika Muster",
		Email: email, SiteSlug: "landkreis-harz", Client: "192.0.2.1"})
}

func TestSlots(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{})
	ctx := context.Background()
	slots, err := f.store.Slots(ctx, f.cal, monday, monday.AddDate(0, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range slots {
		got = append(got, s.Start.In(berlin).Format("Mon 02.01. 15:04"))
	}
	// Monday 15.06. from 10:00 (two hours' notice at 08:00, the 09:00 slot is gone);
	// Wednesday 17.06. 14:00 and 14:45; Monday 22.06.; Wednesday 24.06. is the Teamtag.
	want := "Mon 15.06. 10:30,Mon 15.06. 11:15,Wed 17.06. 14:00,Wed 17.06. 14:45,Mon 22.06. 09:00,Mon 22.06. 09:45,Mon 22.06. 10:30,Mon 22.06. 11:15"
	if strings.Join(got, ",") != want {
		t.Errorf("slots\n got %s\nwant %s", strings.Join(got, ","), want)
	}
}

// TestSlotsAcrossDST: slots keep their wall-clock time across the changes
// of 29.03.2026 and 25.10.2026, and holidays have none.
func TestSlotsAcrossDST(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{})
	ctx := context.Background()
	cal, err := f.store.CreateCalendar(ctx, f.centre.ID, appointments.CalendarInput{Name: "Nacht", SlotMinutes: 60, HorizonDays: 60, Active: true,
		Availability: []counselling.Interval{{Day: "sun", From: "01:00", To: "04:00"}, {Day: "mon", From: "09:00", To: "10:00"}, {Day: "fri", From: "09:00", To: "10:00"}}})
	if err != nil {
		t.Fatal(err)
	}
	list := func(from time.Time, days int) string {
		f.clock.Set(from)
		slots, err := f.store.Slots(ctx, cal, from, from.AddDate(0, 0, days))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range slots {
			out = append(out, s.Start.UTC().Format("02.01. 15:04Z"))
		}
		return strings.Join(out, ",")
	}
	// Spring: Sunday 29.03. 01:00 CET = 00:00Z; 02:00 does not exist; 03:00 CEST = 01:00Z.
	// Monday 30.03. 09:00 CEST = 07:00Z; Friday 27.03. 09:00 CET = 08:00Z. (Good Friday is 03.04.)
	if got, want := list(time.Date(2026, 3, 27, 0, 0, 0, 0, berlin), 4), "27.03. 08:00Z,29.03. 00:00Z,29.03. 01:00Z,30.03. 07:00Z"; got != want {
		t.Errorf("spring\n got %s\nwant %s", got, want)
	}
	// Autumn: 01:00 CEST = 23:00Z (Sat); the repeated hour 02:00 is offered once
	// (Go takes 02:00 CET = 01:00Z); 03:00 CET = 02:00Z; Monday 26.10. 09:00 CET = 08:00Z.
	if got, want := list(time.Date(2026, 10, 24, 0, 0, 0, 0, berlin), 3), "24.10. 23:00Z,25.10. 01:00Z,25.10. 02:00Z,26.10. 08:00Z"; got != want {
		t.Errorf("autumn\n got %s\nwant %s", got, want)
	}
	// Karfreitag 03.04.2026 and Ostermontag 06.04.2026 have no slots; Easter Sunday is no holiday.
	if got, want := list(time.Date(2026, 4, 3, 0, 0, 0, 0, berlin), 4), "04.04. 23:00Z,05.04. 00:00Z,05.04. 01:00Z"; got != want {
		t.Errorf("Easter\n got %s\nwant %s", got, want)
	}
}

func TestBookConfirmCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{})
	ctx := context.Background()
	slot := at("2026-06-17", "14:00")
	b, tok, err := f.book(slot, "Erika@Example.org")
	if err != nil {
		t.Fatal(err)
	}
	if b.Email != "erika@example.org" || !b.EndsAt.Equal(slot.Add(45*time.Minute)) {
		t.Errorf("booking: %+v", b)
	}
	// The slot is taken now.
	if _, _, err := f.book(slot, "other@example.org"); !errors.Is(err, appointments.ErrSlotTaken) {
		t.Errorf("second booking: %v", err)
	}
	slots, _ := f.store.Slots(ctx, f.cal, slot, slot)
	if len(slots) != 1 || slots[0].Free {
		t.Errorf("slot after booking: %+v", slots)
	}
	conf := f.mails(t, appointments.MailConfirmation)
	if len(conf) != 1 || conf[0].To != "erika@example.org" || !strings.Contains(conf[0].Subject, "17.06.2026 14:00") ||
		!strings.Contains(conf[0].TextBody, "https://sozial.example/landkreis-harz/termine/buchung/"+tok.Page+"/termin.ics") ||
		!strings.Contains(conf[0].TextBody, "https://sozial.example/landkreis-harz/termine/absagen/"+tok.Cancel) ||
		!strings.Contains(conf[0].TextBody, "14:45 Uhr") {
		t.Errorf("confirmation: %+v", conf)
	}
	if n := len(f.mails(t, appointments.MailNewBooking)); n != 1 {
		t.Errorf("notice to the centre: %d", n)
	}
	// The booking page and its calendar file.
	pb, cal, err := f.store.BookingByPageToken(ctx, tok.Page)
	if err != nil || pb.ID != b.ID {
		t.Fatalf("by page token: %v", err)
	}
	ics := string(f.store.ICS(pb, cal))
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "METHOD:PUBLISH", "DTSTART:20260617T120000Z", "DTEND:20260617T124500Z",
		"UID:termin-" + b.ID + "@", "SUMMARY:Termin: Erstberatung", "LOCATION:Markt 1\\, Halberstadt", "END:VCALENDAR\r\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("ics lacks %q:\n%s", want, ics)
		}
	}
	// Cancel once with the link; the second use fails and the slot is free.
	if _, err := f.store.CancelByToken(ctx, tok.Page); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Errorf("page token cancels: %v", err)
	}
	if _, err := f.store.CancelByToken(ctx, tok.Cancel); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CancelByToken(ctx, tok.Cancel); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Errorf("second cancellation: %v", err)
	}
	if n := len(f.mails(t, appointments.MailCancelledByCitizen)); n != 1 {
		t.Errorf("cancellation mails: %d", n)
	}
	pb, cal, _ = f.store.BookingByPageToken(ctx, tok.Page)
	if ics := string(f.store.ICS(pb, cal)); !strings.Contains(ics, "METHOD:CANCEL") || !strings.Contains(ics, "STATUS:CANCELLED") {
		t.Errorf("ics of a cancelled booking:\n%s", ics)
	}
	b2, _, err := f.book(slot, "other@example.org")
	if err != nil {
		t.Fatalf("rebooking the freed slot: %v", err)
	}
	// The centre cancels with a note that goes to the citizen.
	staff := tenant.WithActor(ctx, tenant.Actor{ID: "user:1", Label: "team@beratung.example"})
	if _, err := f.store.Cancel(staff, b2.ID, "Die Beraterin ist erkrankt."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Cancel(staff, b2.ID, ""); !errors.Is(err, appointments.ErrAlreadyCancelled) {
		t.Errorf("second staff cancellation: %v", err)
	}
	ms := f.mails(t, appointments.MailCancelledByCentre)
	if len(ms) != 1 || ms[0].To != "other@example.org" || !strings.Contains(ms[0].TextBody, "Die Beraterin ist erkrankt.") {
		t.Errorf("centre's cancellation: %+v", ms)
	}
}

func TestBookRefusesBadSlotsAndInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{PerAddressPerHour: 100})
	for _, tt := range []struct {
		name  string
		start time.Time
		want  error
	}{
		{"past", at("2026-06-08", "09:00"), appointments.ErrSlotUnavailable},
		{"too short notice", at("2026-06-15", "09:00"), appointments.ErrSlotUnavailable},
		{"off the grid", at("2026-06-22", "09:10"), appointments.ErrSlotUnavailable},
		{"outside availability", at("2026-06-23", "09:00"), appointments.ErrSlotUnavailable},
		{"exception day", at("2026-06-24", "14:00"), appointments.ErrSlotUnavailable},
		{"beyond the horizon", at("2026-07-27", "09:00"), appointments.ErrSlotUnavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := f.book(tt.start, strings.ReplaceAll(tt.name, " ", "-")+"@example.org"); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	_, _, err := f.store.Book(context.Background(), appointments.BookingInput{CalendarID: f.cal.ID, Start: at("2026-06-22", "09:00"),
		Name: "", Email: "keine-adresse", Phone: "abc", Remark: strings.Repeat("x", 301)})
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) || fe.For("name") == "" || fe.For("email") == "" || fe.For("phone") == "" || fe.For("remark") == "" {
		t.Errorf("bad input: %v", err)
	}
	if _, _, err := f.store.Book(context.Background(), appointments.BookingInput{CalendarID: "unbekannt", Start: at("2026-06-22", "09:00"),
		Name: "A", Email: "a@example.org"}); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("unknown calendar: %v", err)
	}
}

// TestDoubleBookingRace: many concurrent attempts at one slot, exactly one
// wins; the others get ErrSlotTaken. On SQLite the single write connection
// queues them, on PostgreSQL the unique index decides.
func TestDoubleBookingRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{PerAddressPerHour: 1000, PerEmailPerDay: 1000})
	slot := at("2026-06-22", "10:30")
	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, errs[i] = f.store.Book(context.Background(), appointments.BookingInput{CalendarID: f.cal.ID, Start: slot,
				Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.org", i), Client: fmt.Sprintf("198.51.100.%d", i)})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, appointments.ErrSlotTaken):
		default:
			t.Errorf("attempt %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d bookings won, want exactly 1", won)
	}
	bs, err := f.store.Bookings(context.Background(), appointments.BookingFilter{CalendarIDs: []string{f.cal.ID}})
	if err != nil || len(bs) != 1 {
		t.Errorf("stored bookings: %d %v", len(bs), err)
	}
	if got := len(f.mails(t, appointments.MailConfirmation)); got != 1 {
		t.Errorf("confirmation mails: %d", got)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{PerAddressPerHour: 3, PerEmailPerDay: 2})
	ctx := context.Background()
	slots := []time.Time{at("2026-06-22", "09:00"), at("2026-06-22", "09:45"), at("2026-06-22", "10:30"), at("2026-06-22", "11:15")}
	try := func(i int, email, client string) error {
		_, _, err := f.store.Book(ctx, appointments.BookingInput{CalendarID: f.cal.ID, Start: slots[i], Name: "A", Email: email, Client: client})
		return err
	}
	if err := try(0, "a@example.org", "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
	if err := try(1, "a@example.org", "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
	var rl *appointments.RateLimitError
	if err := try(2, "a@example.org", "203.0.113.1"); !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > 24*time.Hour {
		t.Fatalf("third booking of one address: %v", err)
	}
	// Another address from the same client: the client's hourly limit (3) is reached.
	if err := try(2, "b@example.org", "203.0.113.1"); !errors.As(err, &rl) {
		t.Fatalf("fourth attempt of one client: %v", err)
	}
	// Another client is not affected; an hour later the client may again.
	if err := try(2, "c@example.org", "203.0.113.2"); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(monday.Add(61 * time.Minute))
	if err := try(3, "d@example.org", "203.0.113.1"); err != nil {
		t.Errorf("after an hour: %v", err)
	}
}

func TestReminderAndPurge(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{RetainDays: 7})
	ctx := context.Background()
	b1, _, err := f.book(at("2026-06-17", "14:00"), "a@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.book(at("2026-06-22", "09:00"), "b@example.org"); err != nil {
		t.Fatal(err)
	}
	// Tuesday 16.06. 17:00: tomorrow's appointment gets its reminder, once.
	f.clock.Set(at("2026-06-16", "17:00"))
	if n, err := f.store.RemindTomorrow(ctx); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if n, _ := f.store.RemindTomorrow(ctx); n != 0 {
		t.Errorf("reminded twice")
	}
	if ms := f.mails(t, appointments.MailReminder); len(ms) != 1 || ms[0].To != "a@example.org" {
		t.Errorf("reminder mails: %+v", ms)
	}
	// A week after the first appointment it is deleted, the second stays.
	f.clock.Set(at("2026-06-24", "15:00"))
	if n, err := f.store.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if _, err := f.store.GetBooking(ctx, b1.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("old booking still there: %v", err)
	}
	if bs, _ := f.store.Bookings(ctx, appointments.BookingFilter{CalendarIDs: []string{f.cal.ID}}); len(bs) != 1 {
		t.Errorf("remaining bookings: %d", len(bs))
	}
}

func TestCalendarValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, appointments.Options{})
	ctx := context.Background()
	_, err := f.store.CreateCalendar(ctx, f.centre.ID, appointments.CalendarInput{Name: "", SlotMinutes: 7, Active: true,
		Availability: []counselling.Interval{{Day: "mon", From: "10:00", To: "09:00"}},
		Exceptions:   []appointments.Exception{{From: "2026-13-01"}, {From: "2026-06-10", To: "2026-06-01"}}, NotifyEmail: "x"})
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("want field errors, got %v", err)
	}
	for _, field := range []string{"name", "slotMinutes", "availability[0].to", "exceptions[0].from", "exceptions[1].to", "notifyEmail"} {
		if fe.For(field) == "" {
			t.Errorf("no error on %s: %v", field, fe)
		}
	}
	in := appointments.CalendarInput{Name: "Neu", SlotMinutes: 30, Active: false}
	c, err := f.store.UpdateCalendar(ctx, f.cal.ID, f.cal.Version, in)
	if err != nil || c.Active || c.Version != 2 {
		t.Fatalf("update: %+v %v", c, err)
	}
	if _, err := f.store.UpdateCalendar(ctx, f.cal.ID, 1, in); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale: %v", err)
	}
	if _, _, err := f.book(at("2026-06-22", "09:00"), "a@example.org"); !errors.Is(err, appointments.ErrCalendarClosed) {
		t.Errorf("closed calendar: %v", err)
	}
}
