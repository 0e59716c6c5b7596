package core

import (
	"slices"
	"testing"
)

func TestLinksInFindsTheLinksOfAMail(t *testing.T) {
	text := "Bitte öffnen Sie:\n\nhttps://sozial.example.de/admin/einladung/abc_DEF-123\n\n" +
		"Mehr unter https://sozial.example.de/hilfe. Oder (http://x.example/a) – javascript:alert(1) nicht.\n" +
		"https://sozial.example.de/admin/einladung/abc_DEF-123"
	want := []string{"https://sozial.example.de/admin/einladung/abc_DEF-123", "https://sozial.example.de/hilfe", "http://x.example/a"}
	if got := linksIn(text); !slices.Equal(got, want) {
		t.Errorf("linksIn = %q, want %q", got, want)
	}
}

func TestSummaryLinesShowChangesAndValues(t *testing.T) {
	got := summaryLines(map[string]any{
		"before": map[string]any{"city": "", "active": true},
		"after":  map[string]any{"city": "Halberstadt", "active": false},
	}, auditNames{})
	want := []summaryLine{
		{Label: "Aktiv", Before: "ja", After: "nein", Change: true},
		{Label: "Ort", Before: "(leer)", After: "Halberstadt", Change: true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes: %+v", got)
	}
	got = summaryLines(map[string]any{"email": "a@b.de", "role": "municipality-clerk"}, auditNames{})
	want = []summaryLine{{Label: "E-Mail-Adresse", Value: "a@b.de"}, {Label: "Rolle", Value: "Kommune: Sachbearbeitung"}}
	if !slices.Equal(got, want) {
		t.Errorf("values: %+v", got)
	}
}
