package core

import (
	"slices"
	"testing"
	"time"

	"sozialplattform/tenant"
)

// TestAuditSentences: every entry reads as one German sentence naming the
// person, the object and what happened.
func TestAuditSentences(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	n := auditNames{people: map[string]string{"u1": "Petra Probst"}, tenants: map[string]string{"t1": "Landkreis Stendal"},
		streams: map[string]string{"hzl": "HzL", "grusi": "GruSi"}, loc: berlin}
	entry := func(actor, obj, action string, s map[string]any) tenant.AuditEntry {
		return tenant.AuditEntry{ActorID: actor, ActorLabel: "petra.probst@stendal.example", ObjectType: obj, ObjectID: "x", Action: action, Summary: s}
	}
	cases := []struct {
		name string
		e    tenant.AuditEntry
		want string
	}{
		{"phase completed", entry("u1", "onboarding-case", "update", map[string]any{"antragsstrecke": "hzl", "phase": "connection-tests",
			"before": map[string]any{"status": "in-progress"}, "after": map[string]any{"status": "completed"}}),
			"Petra Probst hat die Phase Anbindungstests von HzL abgeschlossen."},
		{"phase reopened", entry("u1", "onboarding-case", "update", map[string]any{"antragsstrecke": "hzl", "phase": "preparation",
			"before": map[string]any{"status": "completed"}, "after": map[string]any{"status": "in-progress"}}),
			"Petra Probst hat die Phase Vorbereitung technische Anbindung von HzL wieder geöffnet."},
		{"go-live", entry("u1", "onboarding-case", "go-live", map[string]any{"antragsstrecke": "grusi", "phase": "production",
			"before": map[string]any{"status": "in-progress"}, "after": map[string]any{"status": "completed"}}),
			"Petra Probst hat die Phase Produktivtest und Livegang von GruSi abgeschlossen."},
		{"fields of a case", entry("u1", "onboarding-case", "update", map[string]any{"antragsstrecke": "hzl",
			"before": map[string]any{"variant": 0.0}, "after": map[string]any{"variant": 1.0}}),
			"Petra Probst hat den Anbindungsfall HzL geändert."},
		{"adopted connection", entry("u1", "onboarding-case", "adopt-connection", map[string]any{"antragsstrecke": "grusi", "adoptedFromAntragsstrecke": "hzl"}),
			"Petra Probst hat für GruSi die Anbindung von HzL übernommen."},
		{"acknowledged go-live", entry("u1", "onboarding-go-live", "update", map[string]any{"antragsstrecke": "hzl", "acknowledged": true,
			"reason": "mit Dataport geprüft", "after": map[string]any{"liveConfirmed": true}}),
			"Petra Probst hat den Livegang von HzL ohne erfolgreichen Anbindungstest bestätigt (Begründung: mit Dataport geprüft)."},
		{"shared item ticked", entry("u1", "onboarding-checklist-item", "update", map[string]any{"title": "Sub-Nachnutzungsvertrag unterzeichnet",
			"scope": "tenant", "before": map[string]any{"done": false}, "after": map[string]any{"done": true}}),
			"Petra Probst hat „Sub-Nachnutzungsvertrag unterzeichnet“ abgehakt (für alle Antragsstrecken der Kommune)."},
		{"tenant changed", tenant.AuditEntry{ActorID: "u1", ObjectType: "tenant", ObjectID: "t1", Action: "update",
			Summary: map[string]any{"before": map[string]any{"city": ""}, "after": map[string]any{"city": "Stendal"}}},
			"Petra Probst hat die Körperschaft Landkreis Stendal geändert."},
		{"unknown person keeps the label", entry("u9", "order", "create", map[string]any{"orderNumber": "10200"}),
			"petra.probst@stendal.example hat die Bestellung 10200 angelegt."},
		{"system", tenant.AuditEntry{ObjectType: "mailbox-message", Action: "pickup"}, "Das System hat die Nachricht im Postfach abgeholt."},
		{"own password", entry("u1", "user", "change-password", nil), "Petra Probst hat das Passwort geändert."},
	}
	for _, tc := range cases {
		if got := auditSentence(tc.e, n); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestAuditDetailsInGerman: codes get labels, recorded times local time.
func TestAuditDetailsInGerman(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	n := auditNames{streams: map[string]string{"hzl": "HzL"}, loc: berlin}
	got := summaryLines(map[string]any{"antragsstrecke": "hzl", "startsAt": "2026-12-16T13:00:00Z", "referenceNumber": "SOZ-1",
		"before": map[string]any{"status": "in-progress", "variant": 0.0}, "after": map[string]any{"status": "completed", "variant": 3.0}}, n)
	want := []summaryLine{
		{Label: "Stand", Before: "laufend", After: "abgeschlossen", Change: true},
		{Label: "Anbindungsvariante", Before: "noch nicht gewählt", After: "Variante 3 (FIT-Connect)", Change: true},
		{Label: "Antragsstrecke", Value: "HzL"},
		{Label: "Aktenzeichen", Value: "SOZ-1"},
		{Label: "Beginn", Value: "16.12.2026 14:00"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("lines:\n got %+v\nwant %+v", got, want)
	}
	for obj := range auditObjects {
		if auditObjects[obj].label == "" || auditObjects[obj].phrase == "" {
			t.Errorf("object %s lacks a label", obj)
		}
	}
}

// TestAuditDetailsOfASprechstunde: a Sprechstunde's kind has its German
// name, and the Anbindungs-Sprechstunde's missing number reads as none
// (finding m19: the log showed "Art anbindung", "Nummer 0").
func TestAuditDetailsOfASprechstunde(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	n := auditNames{loc: berlin}
	for _, tt := range []struct {
		summary map[string]any
		want    []summaryLine
	}{
		{map[string]any{"kind": "anbindung", "number": 0.0},
			[]summaryLine{{Label: "Art", Value: "Anbindungs-Sprechstunde"}, {Label: "Nummer", Value: "keine"}}},
		{map[string]any{"kind": "ozg", "number": 63.0},
			[]summaryLine{{Label: "Art", Value: "OZG-Sprechstunde"}, {Label: "Nummer", Value: "63"}}},
		{map[string]any{"kind": "landkreis"},
			[]summaryLine{{Label: "Art", Value: "Landkreis"}}},
	} {
		if got := summaryLines(tt.summary, n); !slices.Equal(got, tt.want) {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.summary, got, tt.want)
		}
	}
}
