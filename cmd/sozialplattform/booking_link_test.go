package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"sozialplattform/portal/appointments"
)

// TestBookingLinkOpensThePortalPage: a booking through the API without a
// site answers a link to the site of the calendar's tenant (or the nearest
// one above a Beratungsstelle), and the portal serves that page – the API
// and the portal together (the API's rules: portal/counselling/api's
// TestCounsellingAPI).
func TestBookingLinkOpensThePortalPage(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	loadCounsellingDemo(t, a)
	hbs, err := a.store.ResolveTenant(ctx, "schuldnerberatung-diakonie-halberstadt")
	if err != nil {
		t.Fatal(err)
	}
	cals, err := a.appts.Calendars(ctx, []string{hbs.ID}, true)
	if err != nil || len(cals) == 0 {
		t.Fatalf("calendars: %v", err)
	}
	anonymous := newClient(t, srv.URL)
	var slots struct {
		Slots []appointments.Slot `json:"slots"`
	}
	anonymous.must(http.StatusOK, "GET", "/api/v1/appointment-calendars/"+cals[0].ID+"/slots?to="+time.Now().AddDate(0, 0, 30).Format("2006-01-02"), nil, &slots)
	if len(slots.Slots) == 0 {
		t.Fatal("no slots")
	}
	b, _ := json.Marshal(map[string]any{"start": slots.Slots[0].Start, "name": "Erika Muster", "email": "a@example.org"})
	status, _, raw := anonymous.csRaw("POST", "/api/v1/appointment-calendars/"+cals[0].ID+"/bookings", "application/json", b)
	var booked struct {
		PageURL string `json:"pageUrl"`
	}
	if status != http.StatusCreated || json.Unmarshal([]byte(raw), &booked) != nil {
		t.Fatalf("booking: %d %s", status, raw)
	}
	u, err := url.Parse(booked.PageURL)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + u.Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the booking's page %s: %d", booked.PageURL, resp.StatusCode)
	}
}
