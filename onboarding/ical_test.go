package onboarding_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sozialplattform/onboarding"
)

// icsProp is one parsed content line.
type icsProp struct {
	name   string
	params map[string]string
	value  string
}

// parseICS is a strict reader for what the feed may contain (RFC 5545):
// CRLF line ends, folded lines of at most 75 octets continued by a space,
// BEGIN/END nesting, escaped TEXT values. It returns the components.
func parseICS(t *testing.T, raw []byte) []map[string][]icsProp {
	t.Helper()
	s := string(raw)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("the feed does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range physical {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets: %q", i, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence", i)
		}
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			t.Errorf("line %d has a bare line break", i)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatal("continuation without a line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var comps []map[string][]icsProp
	var stack []string
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		parts := strings.Split(head, ";")
		p := icsProp{name: parts[0], params: map[string]string{}, value: value}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.params[k] = v
		}
		switch p.name {
		case "BEGIN":
			stack = append(stack, value)
			comps = append(comps, map[string][]icsProp{"BEGIN": {p}})
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if len(comps) == 0 {
			t.Fatalf("property %s outside a component", p.name)
		}
		// Attach to the innermost open component.
		for i := len(comps) - 1; i >= 0; i-- {
			if comps[i]["BEGIN"][0].value == stack[len(stack)-1] {
				comps[i][p.name] = append(comps[i][p.name], p)
				break
			}
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %v", stack)
	}
	return comps
}

func unescapeText(s string) string {
	return strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(s)
}

func TestCalendarParsesBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	// Wittenberg plans HzL's go-live; the Sprechstunde gets a topic that
	// needs escaping and folding.
	c := f.caseOf(t, f.witt.ID, "hzl")
	planned := time.Date(2027, 3, 1, 0, 0, 0, 0, berlin)
	if _, err := f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{PlannedLiveOn: &planned}); err != nil {
		t.Fatal(err)
	}
	next, _ := f.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: seedNow})
	topic := "FIT-Connect; Zertifikate, Zustellpunkte \\ Fragen und Antworten – ausführlich erklärt für Kommunen in Sachsen-Anhalt"
	if _, err := f.store.UpdateConsultation(ctx, next[0].ID, 0, onboarding.ConsultationPatch{Topic: &topic}); err != nil {
		t.Fatal(err)
	}

	raw, err := f.store.Calendar(ctx, f.witt.ID)
	if err != nil {
		t.Fatal(err)
	}
	comps := parseICS(t, raw)
	cal := comps[0]
	if cal["BEGIN"][0].value != "VCALENDAR" || cal["VERSION"][0].value != "2.0" || cal["PRODID"] == nil {
		t.Fatalf("calendar %v", cal)
	}
	uids := map[string]bool{}
	var sprechstunden, golives int
	for _, ev := range comps[1:] {
		if ev["BEGIN"][0].value != "VEVENT" {
			t.Fatalf("component %s", ev["BEGIN"][0].value)
		}
		for _, req := range []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} {
			if len(ev[req]) != 1 {
				t.Fatalf("event without exactly one %s: %v", req, ev)
			}
		}
		uid := ev["UID"][0].value
		if uids[uid] {
			t.Errorf("duplicate UID %s", uid)
		}
		uids[uid] = true
		start := ev["DTSTART"][0]
		summary := unescapeText(ev["SUMMARY"][0].value)
		switch {
		case strings.HasPrefix(uid, "sprechstunde-"):
			sprechstunden++
			at, err := time.Parse("20060102T150405Z", start.value)
			if err != nil {
				t.Fatalf("DTSTART %q: %v", start.value, err)
			}
			end, _ := time.Parse("20060102T150405Z", ev["DTEND"][0].value)
			if at.In(berlin).Hour() != 14 || end.Sub(at) != 30*time.Minute {
				t.Errorf("Sprechstunde %s at %s–%s", summary, at.In(berlin), end.In(berlin))
			}
			if uid == "sprechstunde-"+next[0].ID+"@sozialplattform.sachsen-anhalt.de" {
				if !strings.Contains(summary, topic) {
					t.Errorf("summary %q lost the topic", summary)
				}
				if !strings.Contains(unescapeText(ev["DESCRIPTION"][0].value), "Landkreis Wittenberg ist angemeldet.") {
					t.Errorf("registration not mentioned: %q", ev["DESCRIPTION"][0].value)
				}
			}
		case strings.HasPrefix(uid, "livegang-geplant-"):
			golives++
			if start.params["VALUE"] != "DATE" || start.value != "20270301" || ev["DTEND"][0].value != "20270302" || summary != "Geplanter Livegang: Hilfe zum Lebensunterhalt 1.0" {
				t.Errorf("planned go-live %v %q", start, summary)
			}
		default:
			t.Errorf("unexpected event %s", uid)
		}
	}
	if sprechstunden < 20 || golives != 1 {
		t.Errorf("%d Sprechstunden, %d go-lives", sprechstunden, golives)
	}
	// UIDs are stable across calls.
	again, _ := f.store.Calendar(ctx, f.witt.ID)
	for _, ev := range parseICS(t, again)[1:] {
		if !uids[ev["UID"][0].value] {
			t.Errorf("UID %s is new on the second call", ev["UID"][0].value)
		}
	}
	// Harz's feed holds its three go-lives of May 2025 (only Sprechstunden
	// from half a year back, so none of 2025).
	raw, _ = f.store.Calendar(ctx, f.harz.ID)
	var may []string
	for _, ev := range parseICS(t, raw)[1:] {
		if strings.HasPrefix(ev["UID"][0].value, "livegang-") {
			may = append(may, ev["DTSTART"][0].value)
		}
	}
	if strings.Join(may, ",") != "20250512,20250512,20250512" {
		t.Errorf("Harz go-lives %v", may)
	}
}
