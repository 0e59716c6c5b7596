package onboarding_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

func TestCompatibilityWarnings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := f.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	get := func(id string) *onboarding.Fachverfahren {
		fv, err := f.store.GetFachverfahren(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return fv
	}
	for _, tt := range []struct {
		fachverfahren string
		variant       onboarding.Variant
		want          []string
	}{
		{"care-4", onboarding.VariantFITConnect, []string{"Care 4: FIT-Connect geplant 2025", "Care 4: XSozial-basis geplant 2025"}},
		{"care-4", onboarding.VariantOSCIXTA2, []string{"Care 4: OSCI Stand unbekannt", "Care 4: XTA2 Stand unbekannt", "Care 4: XSozial-basis geplant 2025"}},
		{"care-4", onboarding.VariantOSCIClient, nil},
		{"open-prosoz", onboarding.VariantOSCIXTA2, nil},
		{"open-prosoz", onboarding.VariantFITConnect, []string{"Open/Prosoz + XOEV.Exchange: FIT-Connect in Arbeit"}},
		{"laemmkom-lissa", onboarding.VariantOSCIXTA2, []string{"LÄMMkom Lissa: OSCI nicht geplant", "LÄMMkom Lissa: XTA2 Stand unbekannt"}},
		{"laemmkom-lissa", onboarding.VariantFITConnect, nil},
		{"comp-ass-21", onboarding.VariantOSCIXTA2, nil},
		{"ok-jus", onboarding.VariantFITConnect, []string{"OK.JUS: FIT-Connect Stand unbekannt", "OK.JUS: XSozial-basis Stand unbekannt"}},
		{"kdn-sozial", onboarding.VariantOSCIXTA2, []string{"KDN.Sozial: OSCI Stand unbekannt", "KDN.Sozial: XTA2 Stand unbekannt"}},
		{"open-prosoz", onboarding.VariantNone, nil},
	} {
		var got []string
		for _, w := range onboarding.Compatibility(get(tt.fachverfahren), tt.variant) {
			got = append(got, w.Message)
			if w.Hint == "" {
				t.Errorf("%s/%d: warning without hint", tt.fachverfahren, tt.variant)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s with %s: %q, want %q", tt.fachverfahren, tt.variant.Label(), got, tt.want)
		}
	}
	if w := onboarding.Compatibility(nil, onboarding.VariantFITConnect); w != nil {
		t.Errorf("no Fachverfahren gives %v", w)
	}
}

func TestInterfaceStatusLabels(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		st          onboarding.InterfaceStatus
		label, text string
	}{
		{onboarding.InterfaceStatus{State: onboarding.StateDone}, "abgeschlossen", "done"},
		{onboarding.InterfaceStatus{State: onboarding.StateInProgress}, "in Arbeit", "in-progress"},
		{onboarding.InterfaceStatus{State: onboarding.StatePlanned, Year: 2026}, "geplant ab 2026", "planned:2026"},
		{onboarding.InterfaceStatus{State: onboarding.StateNotPlanned}, "nicht geplant", "not-planned"},
		{onboarding.InterfaceStatus{State: onboarding.StateUnknown}, "unbekannt", "unknown"},
	} {
		if tt.st.Label() != tt.label || tt.st.String() != tt.text {
			t.Errorf("%+v: %q %q", tt.st, tt.st.Label(), tt.st.String())
		}
		back, err := onboarding.ParseInterfaceStatus(tt.text)
		if err != nil || back != tt.st {
			t.Errorf("parse %q = %+v, %v", tt.text, back, err)
		}
	}
	for _, bad := range []string{"fertig", "done:2025", "planned:zwanzig"} {
		if _, err := onboarding.ParseInterfaceStatus(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestPutFachverfahren(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	in := onboarding.FachverfahrenInput{Product: "Sozial-Pro", Vendor: "Beispiel GmbH", Remarks: "Pilot",
		Interfaces: map[onboarding.Interface]onboarding.InterfaceStatus{onboarding.IfaceFITConnect: {State: onboarding.StatePlanned, Year: 2027}}}
	fv, err := f.store.PutFachverfahren(ctx, "sozial-pro", 0, in)
	if err != nil {
		t.Fatal(err)
	}
	if fv.Version != 1 || fv.Status(onboarding.IfaceFITConnect).Label() != "geplant ab 2027" || fv.Status(onboarding.IfaceOSCI).State != onboarding.StateUnknown {
		t.Errorf("created %+v", fv)
	}
	in.Interfaces[onboarding.IfaceFITConnect] = onboarding.InterfaceStatus{State: onboarding.StateDone}
	if fv, err = f.store.PutFachverfahren(ctx, "sozial-pro", 1, in); err != nil || fv.Version != 2 {
		t.Fatalf("update: %+v, %v", fv, err)
	}
	if _, err := f.store.PutFachverfahren(ctx, "sozial-pro", 1, in); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale update: %v", err)
	}
	var fe tenant.FieldErrors
	bad := onboarding.FachverfahrenInput{Interfaces: map[onboarding.Interface]onboarding.InterfaceStatus{
		"fax": {State: onboarding.StateDone}, onboarding.IfaceOSCI: {State: onboarding.StateDone, Year: 2025}}}
	if _, err := f.store.PutFachverfahren(ctx, "neu", 0, bad); !errors.As(err, &fe) || fe.For("product") == "" ||
		fe.For("interfaces.fax") == "" || fe.For("interfaces.osci") == "" {
		t.Errorf("invalid input: %v", err)
	}
	if _, err := f.store.PutFachverfahren(ctx, "Großes Verfahren", 0, in); !errors.As(err, &fe) || fe.For("id") == "" {
		t.Errorf("bad ID: %v", err)
	}
	if n := f.auditCount(t, onboarding.ObjFachverfahren, "sozial-pro"); n != 2 {
		t.Errorf("%d audit entries", n)
	}
}

// TestOutdatedPlans: "geplant 2025" read after 2025 is marked as outdated,
// with the matrix's date in the hint; a plan for this year or later is not.
func TestOutdatedPlans(t *testing.T) {
	t.Parallel()
	asOf := time.Date(2025, 6, 23, 0, 0, 0, 0, time.UTC)
	fv := &onboarding.Fachverfahren{Product: "Care 4", AsOf: asOf, Interfaces: map[onboarding.Interface]onboarding.InterfaceStatus{
		onboarding.IfaceFITConnect: {State: onboarding.StatePlanned, Year: 2025}, onboarding.IfaceXSozialBasis: {State: onboarding.StatePlanned, Year: 2027}}}
	for _, tc := range []struct {
		now      time.Time
		outdated []bool // FIT-Connect, XSozial-basis
	}{
		{time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC), []bool{false, false}},
		{time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), []bool{true, false}}, // already 2026 in Germany
		{time.Date(2028, 1, 2, 0, 0, 0, 0, time.UTC), []bool{true, true}},
	} {
		ws := onboarding.MarkOutdated(onboarding.Compatibility(fv, onboarding.VariantFITConnect), fv, tc.now, berlin)
		if len(ws) != 2 {
			t.Fatalf("warnings %+v", ws)
		}
		for i, w := range ws {
			if w.Outdated != tc.outdated[i] || w.Outdated != strings.Contains(w.Hint, "Übersicht vom 23.06.2025") {
				t.Errorf("%v: %+v", tc.now, w)
			}
		}
	}
}
