package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/api/apitest"
)

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
	f := newFixture(t)
	ctx := context.Background()
	anonymous := apitest.Anonymous(t, f.api)

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
	anonymous.Must(http.StatusOK, "GET", "/v1/counselling-centres?near=Halberstadt&topic=schuldnerberatung", nil, &res)
	if res.Total != 5 || res.Near == nil || res.Near.Name != "Halberstadt" || res.Items[0].Name != "Schuldner- und Insolvenzberatung Halberstadt" ||
		res.Items[1].Name != "Schuldnerberatung Wernigerode" || res.Items[0].DistanceKm == nil || !res.Items[0].Status.Known {
		t.Errorf("search from Halberstadt: %+v", res)
	}
	anonymous.Must(http.StatusOK, "GET", "/v1/counselling-centres?near=06108&radiusKm=10", nil, &res)
	for _, it := range res.Items {
		if *it.DistanceKm > 10 {
			t.Errorf("%s is %.1f km from Halle", it.Name, *it.DistanceKm)
		}
	}
	if res.Total != 2 {
		t.Errorf("within 10 km of Halle: %d", res.Total)
	}
	anonymous.Must(http.StatusOK, "GET", "/v1/counselling-centres?language=uk&way=chat", nil, &res)
	if res.Total != 1 || res.Items[0].Name != "Migrationsberatung für Erwachsene Magdeburg" {
		t.Errorf("Ukrainian by chat: %+v", res)
	}
	anonymous.Must(http.StatusOK, "GET", "/v1/counselling-centres?insolvency305=true&area=15085370", nil, &res)
	if res.Total != 2 {
		t.Errorf("§ 305 serving Wernigerode: %d", res.Total)
	}
	var p problem
	status, raw := anonymous.Do("GET", "/v1/counselling-centres?near=Atlantis", nil, nil)
	json.Unmarshal([]byte(raw), &p)
	if status != http.StatusUnprocessableEntity || p.locations() != "query.near" {
		t.Errorf("unknown place: %d %s", status, raw)
	}
	status, raw = anonymous.Do("GET", "/v1/counselling-centres?radiusKm=10", nil, nil)
	p = problem{}
	json.Unmarshal([]byte(raw), &p)
	if status != http.StatusUnprocessableEntity || p.locations() != "query.radiusKm" {
		t.Errorf("radius without place: %d %s", status, raw)
	}

	// A change with bad values: every problem with its location, nothing saved.
	hbs := f.tenant("schuldnerberatung-diakonie-halberstadt")
	editor := f.as(counselling.DemoEditor)
	status, raw = editor.Do("PATCH", "/v1/counselling-centres/"+hbs.ID, map[string]any{
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
	if c, _ := f.counsel.Get(ctx, hbs.ID); c.CurrentVersion != 1 {
		t.Errorf("bad change saved: version %d", c.CurrentVersion)
	}
	var draft counselling.Centre
	editor.Must(http.StatusOK, "PATCH", "/v1/counselling-centres/"+hbs.ID, map[string]any{"version": 2, "waitingDays": 14}, &draft)
	if draft.State != counselling.StatePublished || draft.Entry.WaitingDays == nil || *draft.Entry.WaitingDays != 14 {
		t.Errorf("change: %+v", draft)
	}
	if status, _ := editor.Do("PATCH", "/v1/counselling-centres/"+hbs.ID, map[string]any{"version": 2, "waitingDays": 21}, nil); status != http.StatusConflict {
		t.Errorf("stale version: %d", status)
	}
	var versions []counselling.Version
	editor.Must(http.StatusOK, "GET", "/v1/counselling-centres/"+hbs.ID+"/versions", nil, &versions)
	if len(versions) != 2 || versions[0].AuthorLabel != counselling.DemoEditor || versions[0].Changes[0].Label != "Wartezeit" {
		t.Errorf("versions: %+v", versions)
	}

	// Review on: the editor's change waits; the Landesredaktion approves it.
	ministry := f.as("ministerium@demo.example")
	if status, _ := editor.Do("PUT", "/v1/counselling-settings", map[string]any{"reviewRequired": true}, nil); status != http.StatusForbidden {
		t.Errorf("editor switches review: %d", status)
	}
	ministry.Must(http.StatusOK, "PUT", "/v1/counselling-settings", map[string]any{"reviewRequired": true}, nil)
	editor.Must(http.StatusOK, "PATCH", "/v1/counselling-centres/"+hbs.ID, map[string]any{"waitingDays": 7}, &draft)
	if draft.State != counselling.StatePending || draft.PendingVersion == nil {
		t.Fatalf("change under review: %+v", draft)
	}
	var reviews struct{ Items []counselling.Centre }
	ministry.Must(http.StatusOK, "GET", "/v1/counselling-reviews", nil, &reviews)
	pending := reviews.Items
	if len(pending) != 1 || pending[0].ID != hbs.ID {
		t.Errorf("pending: %+v", pending)
	}
	if status, _ := editor.Do("POST", "/v1/counselling-centres/"+hbs.ID+"/review", map[string]any{"version": *draft.PendingVersion, "decision": "approve"}, nil); status != http.StatusForbidden {
		t.Errorf("editor reviews: %d", status)
	}
	ministry.Must(http.StatusOK, "POST", "/v1/counselling-centres/"+hbs.ID+"/review", map[string]any{"version": *draft.PendingVersion, "decision": "approve"}, &draft)
	if draft.State != counselling.StatePublished || *draft.Entry.WaitingDays != 7 {
		t.Errorf("approved: %+v", draft)
	}
	if status, _ := ministry.Do("POST", "/v1/counselling-centres/"+hbs.ID+"/review", map[string]any{"version": *draft.PublishedVersion, "decision": "approve"}, nil); status != http.StatusConflict {
		t.Errorf("second review: %d", status)
	}
	ministry.Must(http.StatusOK, "PUT", "/v1/counselling-settings", map[string]any{"reviewRequired": false}, nil)

	// CSV: export, import with wrong columns or encoding, a row report.
	harz := f.as("harz@demo.example")
	hid := f.tenant("landkreis-harz").ID
	status, hdr, csv := harz.Send("GET", "/v1/tenants/"+hid+"/counselling-centres?format=csv", "", nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv, "\ufeffid;name;") {
		t.Fatalf("export: %d %s", status, hdr.Get("Content-Type"))
	}
	status, _, raw = harz.Send("POST", "/v1/tenants/"+hid+"/counselling-centres/import", "text/csv", []byte("name;ort\r\nA;B\r\n"))
	if status != http.StatusUnprocessableEntity || !strings.Contains(raw, "Kopfzeile passt nicht") {
		t.Errorf("wrong columns: %d %s", status, raw)
	}
	var rep counselling.ImportReport
	status, _, raw = harz.Send("POST", "/v1/tenants/"+hid+"/counselling-centres/import?allOrNothing=true", "text/csv", []byte(csv+"\xff;kaputt\r\n"))
	json.Unmarshal([]byte(raw), &rep)
	if status != http.StatusOK || rep.Saved || len(rep.Rejected) != 1 || rep.Rows != 4 {
		t.Errorf("all or nothing with a broken row: %d %s", status, raw)
	}
	status, _, raw = harz.Send("POST", "/v1/tenants/"+hid+"/counselling-centres/import", "text/csv", []byte(csv))
	rep = counselling.ImportReport{}
	json.Unmarshal([]byte(raw), &rep)
	if status != http.StatusOK || !rep.Saved || rep.Unchanged != 3 {
		t.Errorf("re-import of the export: %d %s", status, raw)
	}

	// Bookings: a free slot once, the same again 409, a past one 422,
	// flooding 429 with Retry-After.
	cals, _ := f.appts.Calendars(ctx, []string{hbs.ID}, true)
	var slots struct {
		Slots []appointments.Slot `json:"slots"`
	}
	anonymous.Must(http.StatusOK, "GET", "/v1/appointment-calendars/"+cals[0].ID+"/slots?to="+time.Now().AddDate(0, 0, 30).Format("2006-01-02"), nil, &slots)
	if len(slots.Slots) < 6 {
		t.Fatalf("slots: %d", len(slots.Slots))
	}
	book := func(start time.Time, email string) (int, http.Header, string) {
		b, _ := json.Marshal(map[string]any{"start": start, "name": "Erika Muster", "email": email})
		return anonymous.Send("POST", "/v1/appointment-calendars/"+cals[0].ID+"/bookings", "application/json", b)
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
		// Halberstadt's Beratungsstelle is below the Landkreis Harz, whose
		// site has the page (that it opens: cmd's
		// TestBookingLinkOpensThePortalPage).
		if u, err := url.Parse(booked.PageURL); err != nil || !strings.HasPrefix(u.Path, "/landkreis-harz/termine/buchung/") {
			t.Errorf("the booking's page %s: %v", booked.PageURL, err)
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
	if status, _ := anonymous.Do("GET", "/v1/counselling-topics", nil, nil); status != 200 {
		t.Errorf("topics: %d", status)
	}
}
