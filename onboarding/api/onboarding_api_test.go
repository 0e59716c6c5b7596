package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"sozialplattform/onboarding"
)

// minimalPDF is the smallest file the upload checks take for a PDF.
const minimalPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// TestOnboardingAPI walks Wittenberg's HzL case through the API: bad
// input, a concurrent edit, the phase rules, an attachment, the
// Sprechstunde and the ministry's report.
func TestOnboardingAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	witt := f.tenant("15091")
	w, ministry := f.as("wittenberg@demo.example"), f.as("ministerium@demo.example")

	var list struct{ Items []onboarding.Case }
	w.Must(http.StatusOK, "GET", "/v1/tenants/"+witt.ID+"/onboarding-cases", nil, &list)
	if len(list.Items) == 0 || list.Items[0].Antragsstrecke != "hzl" {
		t.Fatalf("cases %+v", list.Items)
	}
	c := list.Items[0]
	path := "/v1/onboarding-cases/" + c.ID

	// The version is required; bad transport parameters come back per field.
	if status, raw := w.Do("PATCH", path, map[string]any{"variant": 3}, nil); status != 422 || !strings.Contains(raw, "body.version") {
		t.Errorf("without version: %d %s", status, raw)
	}
	status, raw := w.Do("PATCH", path, map[string]any{"version": c.Version, "variant": 3,
		"transport": map[string]any{"destinationId": "1234"}}, nil)
	if status != 422 || !strings.Contains(raw, "body.transport.destinationId") {
		t.Errorf("bad transport: %d %s", status, raw)
	}
	var d onboarding.CaseDetail
	w.Must(http.StatusOK, "PATCH", path, map[string]any{"version": c.Version, "variant": 3, "fachverfahrenId": "care-4",
		"transport": map[string]any{"destinationId": "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}}, &d)
	if d.Variant != onboarding.VariantFITConnect || len(d.Warnings) == 0 || !strings.HasPrefix(d.Warnings[0].Message, "Care 4: FIT-Connect geplant 2025") ||
		!d.Warnings[0].Outdated || !strings.Contains(d.Warnings[0].Hint, "23.06.2025") {
		t.Errorf("after patch: %+v", d.Warnings)
	}
	// A second editor still on the old version.
	status, raw = w.Do("PATCH", path, map[string]any{"version": c.Version, "variant": 1}, nil)
	if status != http.StatusConflict || !strings.Contains(raw, "Der Fall wurde zwischenzeitlich geändert") {
		t.Errorf("concurrent edit: %d %s", status, raw)
	}

	// Phase rules: no skipping, no completing with open items.
	status, raw = w.Do("PUT", path+"/phases/production", map[string]any{"status": "completed"}, nil)
	if status != http.StatusConflict || !strings.Contains(raw, "kann erst abgeschlossen werden") {
		t.Errorf("skipping phases: %d %s", status, raw)
	}
	status, raw = w.Do("PUT", path+"/phases/preparation", map[string]any{"status": "completed"}, nil)
	if status != http.StatusConflict || !strings.Contains(raw, "Punkte der Checkliste offen") || strings.Contains(raw, "Verschlüsselungsschlüssel") {
		t.Errorf("open items: %d %s", status, raw)
	}
	if status, _ := w.Do("PUT", path+"/phases/preparation", map[string]any{}, nil); status != 422 {
		t.Errorf("without status: %d", status)
	}
	if status, _ := w.Do("PUT", path+"/phases/livegang", map[string]any{"status": "completed"}, nil); status != 422 {
		t.Errorf("unknown phase: %d", status)
	}

	// The contract as PDF on the first item; a text file is refused.
	item := d.Items[0]
	var att onboarding.Attachment
	status, raw = w.Upload(path+"/checklist/"+item.ID+"/attachments", "file", "Vertrag Wittenberg.pdf", []byte(minimalPDF))
	if status != http.StatusCreated || json.Unmarshal([]byte(raw), &att) != nil || att.ContentType != "application/pdf" {
		t.Fatalf("upload: %d %s", status, raw)
	}
	if status, raw := w.Upload(path+"/checklist/"+item.ID+"/attachments", "file", "vertrag.pdf", []byte("nur Text")); status != 422 || !strings.Contains(raw, "text/plain") {
		t.Errorf("text upload: %d %s", status, raw)
	}
	if status, _ := w.Upload(path+"/checklist/"+item.ID+"/attachments", "file", "gross.pdf", bytes.Repeat([]byte("%PDF"), 2<<20)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("large upload: %d", status)
	}
	st, h, body := w.Get(path + "/attachments/" + att.ID)
	if st != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="Vertrag Wittenberg.pdf"`) ||
		string(body) != minimalPDF {
		t.Errorf("download: %d %v", st, h)
	}
	var it onboarding.Item
	w.Must(http.StatusOK, "PUT", path+"/checklist/"+item.ID, map[string]any{"done": true, "comment": "unterzeichnet"}, &it)
	if !it.Done || it.DoneBy != "wittenberg@demo.example" || len(it.Attachments) != 1 {
		t.Errorf("item %+v", it)
	}

	// Sprechstunde: register, see it, get the feed.
	var cons struct {
		Items []struct {
			ID         string
			Registered bool
		}
	}
	w.Must(http.StatusOK, "GET", "/v1/tenants/"+witt.ID+"/consultations", nil, &cons)
	if len(cons.Items) < 2 || !cons.Items[0].Registered || cons.Items[1].Registered {
		t.Fatalf("consultations %+v", cons.Items[:2])
	}
	w.Must(http.StatusOK, "PUT", "/v1/tenants/"+witt.ID+"/consultations/"+cons.Items[1].ID+"/attendance", map[string]any{}, nil)
	// Both kinds: the numbered OZG-Sprechstunden of the seed, the
	// Anbindungs-Sprechstunde without numbers.
	var ozg struct {
		Items []struct {
			Kind, Title, Topic string
			Number             int
		}
	}
	w.Must(http.StatusOK, "GET", "/v1/consultations?kind=ozg&to=2025-12-31", nil, &ozg)
	if len(ozg.Items) != 6 || ozg.Items[0].Title != "63. OZG-Sprechstunde" || ozg.Items[1].Topic != "GDST Forum" || ozg.Items[5].Number != 68 {
		t.Errorf("OZG-Sprechstunden %+v", ozg.Items)
	}
	w.Must(http.StatusOK, "GET", "/v1/tenants/"+witt.ID+"/consultations?kind=anbindung", nil, &ozg)
	for _, c := range ozg.Items {
		if c.Kind != "anbindung" || c.Number != 0 {
			t.Errorf("Anbindungs-Sprechstunde %+v", c)
		}
	}
	st, h, body = w.Get("/v1/tenants/" + witt.ID + "/calendar.ics")
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/calendar") || !bytes.HasPrefix(body, []byte("BEGIN:VCALENDAR\r\n")) ||
		bytes.Count(body, []byte("ist angemeldet.")) != 2 {
		t.Errorf("calendar: %d %v", st, h)
	}

	// The ministry's report, as JSON and as CSV; the municipality may not.
	var r onboarding.Rollout
	ministry.Must(http.StatusOK, "GET", "/v1/rollout", nil, &r)
	if r.Totals.Live != 3 || len(r.Rows) != 19 {
		t.Errorf("rollout %+v", r.Totals)
	}
	st, h, body = ministry.Get("/v1/rollout?format=csv")
	if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(body, []byte("\ufeffOZG-ID;Onlinedienst;Antragsstrecke;Rechtskreis;")) {
		t.Errorf("rollout CSV: %d %v %q", st, h, body[:min(len(body), 80)])
	}
	st, _, body = ministry.Get("/v1/rollout/cases?antragsstrecke=hzl&format=csv")
	if st != 200 || bytes.Count(body, []byte("\r\n")) != 3 {
		t.Errorf("HzL cases CSV: %d\n%s", st, body)
	}
	if st, _, _ := ministry.Get("/v1/rollout?tenantId=unbekannt"); st != 404 {
		t.Errorf("unknown tenant filter: %d", st)
	}
	if status, _ := w.Do("GET", "/v1/rollout", nil, nil); status != http.StatusForbidden {
		t.Errorf("municipality reads the report: %d", status)
	}

	// Only the ministry confirms a go-live; without a connection test that
	// arrived, only with an explicit acknowledgement and a reason.
	if status, _ := w.Do("PATCH", path, map[string]any{"version": d.Version, "liveConfirmed": true, "acknowledgeFailedTest": true,
		"confirmationReason": "x"}, nil); status != http.StatusForbidden {
		t.Errorf("municipality confirms its own go-live: %d", status)
	}
	ministry.Must(http.StatusOK, "GET", path, nil, &d)
	status, raw = ministry.Do("PATCH", path, map[string]any{"version": d.Version, "liveConfirmed": true}, nil)
	if status != 422 || !strings.Contains(raw, "body.acknowledgeFailedTest") || !strings.Contains(raw, "body.confirmationReason") ||
		!strings.Contains(raw, "application/problem+json") && !strings.Contains(raw, `"status":422`) {
		t.Errorf("confirmation without acknowledgement: %d %s", status, raw)
	}
	ministry.Must(http.StatusOK, "PATCH", path, map[string]any{"version": d.Version, "liveConfirmed": true, "acknowledgeFailedTest": true,
		"confirmationReason": "Testzustellung mit Dataport außerhalb der Plattform bestanden"}, &d)
	if d.LiveConfirmedAt == nil || d.LiveConfirmedBy != "ministerium@demo.example" {
		t.Errorf("confirmation %+v", d.Case)
	}

	// "Anbindung übernehmen": the other HzL flow takes over variant,
	// Fachverfahren and transport data; the ministry sees which DVDV
	// entries are missing.
	var adopted onboarding.AdoptResult
	w.Must(http.StatusOK, "POST", path+"/adopt-connection", map[string]any{"targets": []string{list.Items[1].ID}}, &adopted)
	if len(adopted.Adopted) != 1 || len(adopted.Skipped) != 0 {
		t.Errorf("adopt: %+v", adopted)
	}
	var other onboarding.CaseDetail
	w.Must(http.StatusOK, "GET", "/v1/onboarding-cases/"+list.Items[1].ID, nil, &other)
	if other.Variant != onboarding.VariantFITConnect || other.FachverfahrenID != "care-4" || other.Transport.DestinationID != "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f" {
		t.Errorf("adopted case %+v", other.Case)
	}
	if status, raw := w.Do("POST", path+"/adopt-connection", map[string]any{"targets": []string{"fremder-fall"}}, nil); status != 422 || !strings.Contains(raw, "body.targets") {
		t.Errorf("adopt into a foreign case: %d %s", status, raw)
	}
	var missing struct{ Items []onboarding.MissingDVDV }
	ministry.Must(http.StatusOK, "GET", "/v1/rollout/missing-dvdv-entries", nil, &missing)
	if status, _ := w.Do("GET", "/v1/rollout/missing-dvdv-entries", nil, nil); status != http.StatusForbidden {
		t.Errorf("municipality reads the missing DVDV entries: %d", status)
	}
	// The OpenAPI document names every operation of onboarding.
	body, err := json.Marshal(f.api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"listOnboardingCases", "updateOnboardingCase", "setOnboardingPhase", "updateChecklistItem",
		"addChecklistAttachment", "getRollout", "listFachverfahren", "putFachverfahren", "listConsultations", "getOnboardingCalendar",
		"adoptOnboardingConnection", "listMissingDVDVEntries", "listSupportContacts", "getSupportContact", "createSupportContact",
		"updateSupportContact", "deleteSupportContact", "listCaseSupportContacts"} {
		if !bytes.Contains(body, []byte(`"operationId":"`+id+`"`)) && !bytes.Contains(body, []byte(`"operationId": "`+id+`"`)) {
			t.Errorf("OpenAPI lacks %s", id)
		}
	}
}

// TestFITConnectServiceInTheCatalogue: the ministry keeps the LeiKa
// identifier of an Antragsstrecke; municipalities read it but cannot
// change it; malformed identifiers are refused per field; the demo values
// are marked as such. (The console's catalogue page shows what the API
// wrote: admin's TestFITConnectServiceOnTheCataloguePage.)
func TestFITConnectServiceInTheCatalogue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w, ministry := f.as("wittenberg@demo.example"), f.as("ministerium@demo.example")

	var cat struct{ Items []onboarding.Onlinedienst }
	w.Must(http.StatusOK, "GET", "/v1/onlinedienste", nil, &cat)
	demo := map[string]onboarding.Antragsstrecke{}
	for _, od := range cat.Items {
		for _, s := range od.Antragsstrecken {
			demo[s.Key] = s
		}
	}
	if hzl := demo["hzl"]; hzl.FITConnectService != onboarding.DemoFITConnectServices["hzl"] || !hzl.FITConnectServiceDemo {
		t.Fatalf("demo HzL service %+v", hzl)
	}
	if wbs := demo["wbs"]; wbs.FITConnectService != "" {
		t.Errorf("an Antragsstrecke without a known key got one: %+v", wbs)
	}

	path := "/v1/antragsstrecken/hzl/fitconnect-service"
	if st, raw := w.Do("PUT", path, map[string]any{"fitConnectService": "99010003001006"}, nil); st != http.StatusForbidden {
		t.Errorf("municipality changed the catalogue: %d %s", st, raw)
	}
	if st, raw := ministry.Do("PUT", path, map[string]any{"fitConnectService": "urn:sozialplattform-st:antragsstrecke:hzl"}, nil); st != 422 ||
		!strings.Contains(raw, "body.fitConnectService") || !strings.Contains(raw, "14 Ziffern") {
		t.Errorf("malformed identifier: %d %s", st, raw)
	}
	if st, _ := ministry.Do("PUT", "/v1/antragsstrecken/gibt-es-nicht/fitconnect-service", map[string]any{"fitConnectService": ""}, nil); st != 404 {
		t.Errorf("unknown Antragsstrecke: %d", st)
	}
	var got onboarding.Antragsstrecke
	ministry.Must(http.StatusOK, "PUT", path, map[string]any{"fitConnectService": "99010003001006"}, &got)
	if got.FITConnectService != "urn:de:fim:leika:leistung:99010003001006" || got.FITConnectServiceDemo {
		t.Errorf("after PUT: %+v", got)
	}

}
