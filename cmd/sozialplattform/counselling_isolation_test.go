package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// counsellingObjects are a municipality's Beratungsstelle for the isolation
// matrix: the centre (organisation below the municipality, published),
// its appointment calendar and a booking.
type counsellingObjects struct {
	centreID, calendarID, bookingID string
}

// replacements are the directory's path parameters for scope.fill.
func (o counsellingObjects) replacements() []string {
	return []string{"{centreId}", o.centreID, "{calendarId}", o.calendarID, "{bookingId}", o.bookingID, "{topicKey}", counselling.TopicDebt}
}

// seedCounselling gives the tenant a published Beratungsstelle with a
// calendar and one booking.
func seedCounselling(t *testing.T, a *app, tt *tenant.Tenant) counsellingObjects {
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	c, err := a.counsel.Create(ctx, counselling.CreateInput{ParentID: tt.ID, Direct: true, Entry: counselling.Entry{
		Name: "Schuldnerberatung " + tt.Name, Provider: "Diakonie", Topics: []string{counselling.TopicDebt},
		Addresses: []counselling.Address{{Street: "Markt 1", PostalCode: "38820", City: "Halberstadt", Lat: 51.89, Lon: 11.05}},
		Phone:     "03941 555-1", Email: "sib-" + tt.Slug + "@example.org", Languages: []string{"de"}, Ways: []string{"on-site"},
		OpeningHours: []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var all []counselling.Interval
	for _, d := range counselling.WeekdayKeys() {
		all = append(all, counselling.Interval{Day: d, From: "00:00", To: "24:00"})
	}
	cal, err := a.appts.CreateCalendar(ctx, c.ID, appointments.CalendarInput{Name: "Erstberatung", SlotMinutes: 30, Availability: all, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	slots, err := a.appts.Slots(ctx, cal, now, now.AddDate(0, 0, 7))
	if err != nil || len(slots) == 0 {
		t.Fatalf("slots: %v (%d)", err, len(slots))
	}
	b, _, err := a.appts.Book(ctx, appointments.BookingInput{CalendarID: cal.ID, Start: slots[len(slots)-1].Start, Name: "Erika Muster",
		Email: "erika-" + tt.Slug + "@example.org", SiteSlug: tt.Slug})
	if err != nil {
		t.Fatal(err)
	}
	return counsellingObjects{centreID: c.ID, calendarID: cal.ID, bookingID: b.ID}
}

// TestCounsellingIsolation: what the matrix cannot say in general – the
// editor of one Beratungsstelle changes neither another's entry nor its
// bookings, a municipality reaches only the centres below it, and the
// public sees only published entries.
func TestCounsellingIsolation(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("every operation as every role: full suite only")
	}
	a, srv := testApp(t)
	own := seedScope(t, a, "landkreis-harz", "harz@demo.example")
	other := seedScope(t, a, "landkreis-wittenberg", "wittenberg@demo.example")
	ctx := context.Background()
	// A second centre below Harz with its own editor.
	mine := seedCounselling(t, a, own.tenant)
	if _, err := a.store.CreateUser(ctx, tenant.NewUserInput{Email: "redaktion@beratung.example", Name: "Rita Redaktion",
		Password: tenant.DemoPassword, TenantID: mine.centreID, Role: tenant.RoleCounsellingEditor}); err != nil {
		t.Fatal(err)
	}
	editor := newClient(t, srv.URL)
	editor.login("redaktion@beratung.example", tenant.DemoPassword)
	harz := newClient(t, srv.URL)
	harz.login("harz@demo.example", tenant.DemoPassword)
	clerk := newClient(t, srv.URL)
	clerk.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)
	anonymous := newClient(t, srv.URL)

	patch := map[string]any{"phone": "03941 555-99"}
	c, o, x := own.counselling, mine, other.counselling
	for _, tt := range []struct {
		name         string
		who          *client
		method, path string
		body         any
		want         int
	}{
		{"editor changes its own entry", editor, "PATCH", "/api/v1/counselling-centres/" + o.centreID, patch, http.StatusOK},
		{"editor changes another centre of its municipality", editor, "PATCH", "/api/v1/counselling-centres/" + c.centreID, patch, http.StatusNotFound},
		{"editor changes a centre elsewhere", editor, "PATCH", "/api/v1/counselling-centres/" + x.centreID, patch, http.StatusNotFound},
		{"editor reads another's history", editor, "GET", "/api/v1/counselling-centres/" + c.centreID + "/versions", nil, http.StatusForbidden},
		{"editor sees its own bookings", editor, "GET", "/api/v1/appointment-calendars/" + o.calendarID + "/bookings", nil, http.StatusOK},
		{"editor sees another's bookings", editor, "GET", "/api/v1/appointment-calendars/" + c.calendarID + "/bookings", nil, http.StatusForbidden},
		{"editor cancels another's booking", editor, "POST", "/api/v1/appointment-bookings/" + c.bookingID + "/cancel", map[string]any{}, http.StatusNotFound},
		{"editor lists the municipality's centres", editor, "GET", "/api/v1/tenants/" + own.tenant.ID + "/counselling-centres", nil, http.StatusForbidden},
		{"editor reviews", editor, "POST", "/api/v1/counselling-centres/" + o.centreID + "/review", map[string]any{"version": 1, "decision": "approve"}, http.StatusForbidden},
		{"municipality changes a centre below it", harz, "PATCH", "/api/v1/counselling-centres/" + c.centreID, patch, http.StatusOK},
		{"municipality changes a centre elsewhere", harz, "PATCH", "/api/v1/counselling-centres/" + x.centreID, patch, http.StatusNotFound},
		{"clerk may only read", clerk, "PATCH", "/api/v1/counselling-centres/" + c.centreID, map[string]any{"phone": "0391 1"}, http.StatusForbidden},
		{"municipality cancels a booking elsewhere", harz, "POST", "/api/v1/appointment-bookings/" + x.bookingID + "/cancel", map[string]any{}, http.StatusNotFound},
		{"municipality imports below another", harz, "POST", "/api/v1/tenants/" + other.tenant.ID + "/counselling-centres/import", map[string]any{}, http.StatusForbidden},
		{"no session cannot change", anonymous, "PATCH", "/api/v1/counselling-centres/" + c.centreID, patch, http.StatusUnauthorized},
		{"public entry", anonymous, "GET", "/api/v1/counselling-centres/" + x.centreID, nil, http.StatusOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status, raw := tt.who.do(tt.method, tt.path, tt.body, nil); status != tt.want {
				t.Errorf("%s %s = %d, want %d: %s", tt.method, tt.path, status, tt.want, raw)
			}
		})
	}
	// The municipality's list holds only its own centres.
	var page struct{ Items []counselling.Centre }
	harz.must(http.StatusOK, "GET", "/api/v1/tenants/"+own.tenant.ID+"/counselling-centres", nil, &page)
	list := page.Items
	if len(list) != 2 {
		t.Errorf("Harz sees %d centres, want 2", len(list))
	}
	for _, cc := range list {
		if cc.ID == x.centreID {
			t.Error("Harz sees Wittenberg's centre")
		}
	}
	// A centre not published is not public.
	if _, err := a.counsel.SetReviewRequired(ctx, true); err != nil {
		t.Fatal(err)
	}
	var created counselling.Centre
	harz.must(http.StatusCreated, "POST", "/api/v1/tenants/"+own.tenant.ID+"/counselling-centres", map[string]any{
		"name": "Neue Stelle", "provider": "AWO", "topics": []string{"suchtberatung"}, "phone": "03941 1", "ways": []string{"phone"},
		"addresses": []map[string]any{{"street": "Markt 2", "postalCode": "38820", "city": "Halberstadt", "lat": 51.89, "lon": 11.05}},
	}, &created)
	if created.State != counselling.StatePending {
		t.Errorf("created under review: %s", created.State)
	}
	if status, _ := anonymous.do("GET", "/api/v1/counselling-centres/"+created.ID, nil, nil); status != http.StatusNotFound {
		t.Errorf("unpublished centre public: %d", status)
	}
	if status, _ := editor.do("GET", "/api/v1/counselling-centres/"+created.ID+"/draft", nil, nil); status != http.StatusNotFound {
		t.Errorf("editor sees another's unpublished draft: %d", status)
	}
}
