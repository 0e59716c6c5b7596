package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// raw sends a body of the given type and returns status, headers and body.
func (c *client) csRaw(method, path, contentType string, body []byte) (int, http.Header, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// problem is an RFC 9457 answer.
type problem struct {
	Status int `json:"status"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

func (p problem) locations() string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Location)
	}
	return strings.Join(out, ",")
}

// TestCounsellingAPI: the public search with distance and filters, the
// problem details of bad input (coordinates, hours, topics, places, CSV),
// and the booking answers (taken, past, flooding).
func TestCounsellingAPI(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t)
	ctx := context.Background()
	loadCounsellingDemo(t, a)
	anonymous := newClient(t, srv.URL)

	// Sorted by distance from Halberstadt: Halberstadt's own first.
	var res struct {
		Total int                `json:"total"`
		Near  *counselling.Place `json:"near"`
		Items []struct {
			ID         string   `json:"id"`
			Name       string   `json:"name"`
			DistanceKm *float64 `json:"distanceKm"`
			Status     struct {
				Known bool `json:"known"`
			} `json:"openingStatus"`
		} `json:"items"`
	}
	anonymous.must(http.StatusOK, "GET", "/api/v1/counselling-centres?near=Halberstadt&topic=schuldnerberatung", nil, &res)
	if res.Total != 5 || res.Near == nil || res.Near.Name != "Halberstadt" || res.Items[0].Name != "Schuldner- und Insolvenzberatung Halberstadt" ||
		res.Items[1].Name != "Schuldnerberatung Wernigerode" || res.Items[0].DistanceKm == nil || !res.Items[0].Status.Known {
		t.Errorf("search from Halberstadt: %+v", res)
	}
	anonymous.must(http.StatusOK, "GET", "/api/v1/counselling-centres?near=06108&radiusKm=10", nil, &res)
	for _, it := range res.Items {
		if *it.DistanceKm > 10 {
			t.Errorf("%s is %.1f km from Halle", it.Name, *it.DistanceKm)
		}
	}
	if res.Total != 2 {
		t.Errorf("within 10 km of Halle: %d", res.Total)
	}
	anonymous.must(http.StatusOK, "GET", "/api/v1/counselling-centres?language=uk&way=chat", nil, &res)
	if res.Total != 1 || res.Items[0].Name != "Migrationsberatung für Erwachsene Magdeburg" {
		t.Errorf("Ukrainian by chat: %+v", res)
	}
	anonymous.must(http.StatusOK, "GET", "/api/v1/counselling-centres?insolvency305=true&area=15085370", nil, &res)
	if res.Total != 2 {
		t.Errorf("§ 305 serving Wernigerode: %d", res.Total)
	}
	var p problem
	status, raw := anonymous.do("GET", "/api/v1/counselling-centres?near=Atlantis", nil, nil)
	json.Unmarshal([]byte(raw), &p)
	if status != http.StatusUnprocessableEntity || p.locations() != "query.near" {
		t.Errorf("unknown place: %d %s", status, raw)
	}
	status, raw = anonymous.do("GET", "/api/v1/counselling-centres?radiusKm=10", nil, nil)
	p = problem{}
	json.Unmarshal([]byte(raw), &p)
	if status != http.StatusUnprocessableEntity || p.locations() != "query.radiusKm" {
		t.Errorf("radius without place: %d %s", status, raw)
	}

	// A change with bad values: every problem with its location, nothing saved.
	hbs, _ := a.store.ResolveTenant(ctx, "schuldnerberatung-diakonie-halberstadt")
	editor := newClient(t, srv.URL)
	editor.login(counselling.DemoEditor, tenant.DemoPassword)
	status, raw = editor.do("PATCH", "/api/v1/counselling-centres/"+hbs.ID, map[string]any{
		"addresses":    []map[string]any{{"street": "Markt 1", "postalCode": "38820", "city": "Halberstadt", "lat": 11.05, "lon": 51.89}},
		"openingHours": []map[string]any{{"day": "mon", "from": "09:00", "to": "12:00"}, {"day": "mon", "from": "11:00", "to": "13:00"}, {"day": "tue", "from": "12:00", "to": "08:00"}},
		"topics":       []string{"astrologie"},
		"website":      "http://diakonie.example",
	}, nil)
	p = problem{}
	json.Unmarshal([]byte(raw), &p)
	want := "body.topics[0],body.insolvency305,body.addresses[0].lat,body.openingHours[2].to,body.openingHours[1].from,body.website"
	if status != http.StatusUnprocessableEntity || p.locations() != want || !strings.Contains(raw, "vertauscht") {
		t.Errorf("bad change: %d\n got %s\nwant %s\n%s", status, p.locations(), want, raw)
	}
	if c, _ := a.counsel.Get(ctx, hbs.ID); c.CurrentVersion != 1 {
		t.Errorf("bad change saved: version %d", c.CurrentVersion)
	}
	var draft counselling.Centre
	editor.must(http.StatusOK, "PATCH", "/api/v1/counselling-centres/"+hbs.ID, map[string]any{"version": 2, "waitingDays": 14}, &draft)
	if draft.State != counselling.StatePublished || draft.Entry.WaitingDays == nil || *draft.Entry.WaitingDays != 14 {
		t.Errorf("change: %+v", draft)
	}
	if status, _ := editor.do("PATCH", "/api/v1/counselling-centres/"+hbs.ID, map[string]any{"version": 2, "waitingDays": 21}, nil); status != http.StatusConflict {
		t.Errorf("stale version: %d", status)
	}
	var versions []counselling.Version
	editor.must(http.StatusOK, "GET", "/api/v1/counselling-centres/"+hbs.ID+"/versions", nil, &versions)
	if len(versions) != 2 || versions[0].AuthorLabel != counselling.DemoEditor || versions[0].Changes[0].Label != "Wartezeit" {
		t.Errorf("versions: %+v", versions)
	}

	// Review on: the editor's change waits; the Landesredaktion approves it.
	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	if status, _ := editor.do("PUT", "/api/v1/counselling-settings", map[string]any{"reviewRequired": true}, nil); status != http.StatusForbidden {
		t.Errorf("editor switches review: %d", status)
	}
	ministry.must(http.StatusOK, "PUT", "/api/v1/counselling-settings", map[string]any{"reviewRequired": true}, nil)
	editor.must(http.StatusOK, "PATCH", "/api/v1/counselling-centres/"+hbs.ID, map[string]any{"waitingDays": 7}, &draft)
	if draft.State != counselling.StatePending || draft.PendingVersion == nil {
		t.Fatalf("change under review: %+v", draft)
	}
	var reviews struct{ Items []counselling.Centre }
	ministry.must(http.StatusOK, "GET", "/api/v1/counselling-reviews", nil, &reviews)
	pending := reviews.Items
	if len(pending) != 1 || pending[0].ID != hbs.ID {
		t.Errorf("pending: %+v", pending)
	}
	if status, _ := editor.do("POST", "/api/v1/counselling-centres/"+hbs.ID+"/review", map[string]any{"version": *draft.PendingVersion, "decision": "approve"}, nil); status != http.StatusForbidden {
		t.Errorf("editor reviews: %d", status)
	}
	ministry.must(http.StatusOK, "POST", "/api/v1/counselling-centres/"+hbs.ID+"/review", map[string]any{"version": *draft.PendingVersion, "decision": "approve"}, &draft)
	if draft.State != counselling.StatePublished || *draft.Entry.WaitingDays != 7 {
		t.Errorf("approved: %+v", draft)
	}
	if status, _ := ministry.do("POST", "/api/v1/counselling-centres/"+hbs.ID+"/review", map[string]any{"version": *draft.PublishedVersion, "decision": "approve"}, nil); status != http.StatusConflict {
		t.Errorf("second review: %d", status)
	}
	ministry.must(http.StatusOK, "PUT", "/api/v1/counselling-settings", map[string]any{"reviewRequired": false}, nil)

	// CSV: export, import with wrong columns or encoding, a row report.
	harz := newClient(t, srv.URL)
	harz.login("harz@demo.example", tenant.DemoPassword)
	hid := harzID(t, a)
	status, hdr, csv := harz.csRaw("GET", "/api/v1/tenants/"+hid+"/counselling-centres?format=csv", "", nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv, "\ufeffid;name;") {
		t.Fatalf("export: %d %s", status, hdr.Get("Content-Type"))
	}
	status, _, raw = harz.csRaw("POST", "/api/v1/tenants/"+hid+"/counselling-centres/import", "text/csv", []byte("name;ort\r\nA;B\r\n"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(raw, "Kopfzeile passt nicht") {
		t.Errorf("wrong columns: %d %s", status, raw)
	}
	var rep counselling.ImportReport
	status, _, raw = harz.csRaw("POST", "/api/v1/tenants/"+hid+"/counselling-centres/import?allOrNothing=true", "text/csv", []byte(csv+"\xff;kaputt\r\n"))
	json.Unmarshal([]byte(raw), &rep)
	if status != http.StatusOK || rep.Saved || len(rep.Rejected) != 1 || rep.Rows != 4 {
		t.Errorf("all or nothing with a broken row: %d %s", status, raw)
	}
	status, _, raw = harz.csRaw("POST", "/api/v1/tenants/"+hid+"/counselling-centres/import", "text/csv", []byte(csv))
	rep = counselling.ImportReport{}
	json.Unmarshal([]byte(raw), &rep)
	if status != http.StatusOK || !rep.Saved || rep.Unchanged != 3 {
		t.Errorf("re-import of the export: %d %s", status, raw)
	}

	// Bookings: a free slot once, the same again 409, a past one 422,
	// flooding 429 with Retry-After.
	cals, _ := a.appts.Calendars(ctx, []string{hbs.ID}, true)
	var slots struct {
		Slots []appointments.Slot `json:"slots"`
	}
	anonymous.must(http.StatusOK, "GET", "/api/v1/appointment-calendars/"+cals[0].ID+"/slots?to="+time.Now().AddDate(0, 0, 30).Format("2006-01-02"), nil, &slots)
	if len(slots.Slots) < 6 {
		t.Fatalf("slots: %d", len(slots.Slots))
	}
	book := func(start time.Time, email string) (int, http.Header, string) {
		b, _ := json.Marshal(map[string]any{"start": start, "name": "Erika Muster", "email": email})
		return anonymous.csRaw("POST", "/api/v1/appointment-calendars/"+cals[0].ID+"/bookings", "application/json", b)
	}
	// Without a site the links lead to the site of the calendar's tenant
	// (or the nearest one above a Beratungsstelle): the page exists.
	if status, _, raw := book(slots.Slots[0].Start, "a@example.org"); status != http.StatusCreated || !strings.Contains(raw, "/termine/buchung/") {
		t.Errorf("booking: %d %s", status, raw)
	} else {
		var booked struct {
			PageURL string `json:"pageUrl"`
		}
		json.Unmarshal([]byte(raw), &booked)
		u, _ := url.Parse(booked.PageURL)
		page := srv.URL + u.Path
		if resp, err := http.Get(page); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("the booking's page %s: %v %v", booked.PageURL, resp, err)
		} else {
			resp.Body.Close()
		}
	}
	if status, _, raw := book(slots.Slots[0].Start, "b@example.org"); status != http.StatusConflict || !strings.Contains(raw, "body.start") {
		t.Errorf("taken: %d %s", status, raw)
	}
	if status, _, raw := book(time.Now().Add(-24*time.Hour).Truncate(time.Hour), "c@example.org"); status != http.StatusUnprocessableEntity {
		t.Errorf("past: %d %s", status, raw)
	}
	var last int
	var lastHdr http.Header
	for i := range 4 {
		last, lastHdr, _ = book(slots.Slots[1+i].Start, "d"+strings.Repeat("x", i)+"@example.org")
	}
	if last != http.StatusTooManyRequests || lastHdr.Get("Retry-After") == "" {
		t.Errorf("flooding from one address: %d %v", last, lastHdr)
	}
	if status, _ := anonymous.do("GET", "/api/v1/counselling-topics", nil, nil); status != 200 {
		t.Errorf("topics: %d", status)
	}
}
