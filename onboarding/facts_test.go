package onboarding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// itemOf returns the case's checklist item of a template.
func itemOf(t *testing.T, f *fixture, caseID, templateID string) onboarding.Item {
	t.Helper()
	items, err := f.store.Checklist(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.TemplateID == templateID {
			return it
		}
	}
	t.Fatalf("case %s has no item %s", caseID, templateID)
	return onboarding.Item{}
}

// putDVDV stores a DVDV directory entry the way the ministry's directory
// does (onboarding reads the table, it does not own it).
func putDVDV(t *testing.T, f *fixture, kennung string, active bool, certNotAfter *time.Time) {
	t.Helper()
	cert := ""
	if certNotAfter != nil {
		cert = "-----BEGIN CERTIFICATE-----"
	}
	_, err := f.db.Write.NewRaw(`INSERT INTO dvdv_entries (kennung, name, endpoint, certificate, cert_subject, cert_not_after, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, kennung, "Intermediär Dataport", "https://osci.dataport.example/osci", cert, "CN=Landkreis Wittenberg",
		certNotAfter, active, f.clock.Now(), f.clock.Now()).Exec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
}

func TestItemsCheckedBySystem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.witt.ID, "hzl", "grusi")
	hzl, grusi := f.caseOf(t, f.witt.ID, "hzl"), f.caseOf(t, f.witt.ID, "grusi")
	v1, v3 := onboarding.VariantOSCIXTA2, onboarding.VariantFITConnect
	if _, err := f.store.UpdateCase(ctx, hzl.ID, 0, onboarding.CasePatch{Variant: &v1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.UpdateCase(ctx, grusi.ID, 0, onboarding.CasePatch{Variant: &v3}); err != nil {
		t.Fatal(err)
	}
	later := seedNow.AddDate(1, 0, 0)
	steps := []struct {
		name           string
		change         func(t *testing.T)
		caseID, item   string
		wantDone       bool
		wantNoteSubstr string
	}{
		{"no Behördenkennung yet", func(*testing.T) {}, hzl.ID, "v1-dvdv", false, "Behördenkennung ein"},
		{"Kennung without directory entry", func(t *testing.T) {
			tr := onboarding.Transport{DVDVKennung: "sop:150910000100"}
			if _, err := f.store.UpdateCase(ctx, hzl.ID, 0, onboarding.CasePatch{Transport: &tr}); err != nil {
				t.Fatal(err)
			}
		}, hzl.ID, "v1-dvdv", false, "das Ministerium legt ihn an"},
		{"entry created by the ministry", func(t *testing.T) { putDVDV(t, f, "sop:150910000100", true, &later) }, hzl.ID, "v1-dvdv", true, "Intermediär"},
		{"the intermediary comes from the entry", func(*testing.T) {}, hzl.ID, "v1-intermediaer", true, "osci.dataport.example"},
		{"its certificate is valid", func(*testing.T) {}, hzl.ID, "v1-osci-zertifikat", true, "gültig bis"},
		{"certificate expired", func(*testing.T) { f.clock.Set(later.Add(time.Hour)) }, hzl.ID, "v1-osci-zertifikat", false, "abgelaufen"},
		{"destination not reached yet", func(*testing.T) { f.clock.Set(seedNow) }, grusi.ID, "v3-zertifikat", false, "DestinationID"},
		{"key fetched and valid", func(t *testing.T) {
			tr := onboarding.Transport{DestinationID: "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}
			if _, err := f.store.UpdateCase(ctx, grusi.ID, 0, onboarding.CasePatch{Transport: &tr}); err != nil {
				t.Fatal(err)
			}
			if err := f.store.RecordDestinationKey(ctx, f.db.Write, grusi.ID, onboarding.KeyInfo{Kid: "k1", Bits: 4096,
				NotAfter: later, Thumbprint: "ab", FetchedAt: seedNow}); err != nil {
				t.Fatal(err)
			}
		}, grusi.ID, "v3-zertifikat", true, "RSA 4096 Bit"},
		{"destination reached", func(*testing.T) {}, grusi.ID, "v3-zustellpunkt", true, "Zustellpunkt erreicht"},
		{"key expired", func(*testing.T) { f.clock.Set(later) }, grusi.ID, "v3-zertifikat", false, "abgelaufen"},
		{"no Sprechstunde yet", func(*testing.T) { f.clock.Set(seedNow) }, grusi.ID, "alle-sprechstunde", false, "Melden Sie sich"},
		{"registered, Sprechstunde not yet held", func(t *testing.T) {
			c, err := f.store.CreateConsultation(ctx, onboarding.ConsultationInput{StartsAt: seedNow.Add(48 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.Register(ctx, c.ID, f.witt.ID, "Wiebke", "wiebke@wittenberg.example"); err != nil {
				t.Fatal(err)
			}
		}, grusi.ID, "alle-sprechstunde", false, "Melden Sie sich"},
		{"Sprechstunde held", func(*testing.T) { f.clock.Add(49 * time.Hour) }, grusi.ID, "alle-sprechstunde", true, "angemeldet"},
		{"no test application", func(*testing.T) {}, grusi.ID, "alle-testantrag", false, "Noch kein Testantrag"},
		{"a failed test", func(t *testing.T) {
			if err := f.store.RecordTestResult(ctx, f.db.Write, grusi.ID, "d1", f.clock.Now(), "failed", false, "Zustellpunkt antwortet nicht"); err != nil {
				t.Fatal(err)
			}
		}, grusi.ID, "alle-testantrag", false, "nicht angekommen"},
		{"a test that arrived", func(t *testing.T) {
			if err := f.store.RecordTestDelivery(ctx, f.db.Write, grusi.ID, f.clock.Now(), "d2"); err != nil {
				t.Fatal(err)
			}
		}, grusi.ID, "alle-testantrag", true, "angekommen"},
	}
	for _, st := range steps {
		st.change(t)
		it := itemOf(t, f, st.caseID, st.item)
		if !it.System || it.Done != st.wantDone || !strings.Contains(it.FactNote, st.wantNoteSubstr) {
			t.Errorf("%s: %s system=%v done=%v note=%q, want done=%v and a note with %q", st.name, st.item, it.System, it.Done, it.FactNote, st.wantDone, st.wantNoteSubstr)
		}
		if it.Done && it.DoneBy != onboarding.SystemActor {
			t.Errorf("%s: done by %q", st.name, it.DoneBy)
		}
		// Nobody ticks or opens it against the facts.
		flip := !it.Done
		if _, err := f.store.SetItem(ctx, st.caseID, it.ID, onboarding.ItemPatch{Done: &flip}); ruleText(err) == "" {
			t.Errorf("%s: %s set to %v by hand: %v", st.name, st.item, flip, err)
		}
		// A comment is still welcome, and agreeing with the facts is no change.
		same, note := it.Done, "geprüft: "+st.name
		if _, err := f.store.SetItem(ctx, st.caseID, it.ID, onboarding.ItemPatch{Done: &same, Comment: &note}); err != nil {
			t.Errorf("%s: comment: %v", st.name, err)
		}
	}
}

func TestFactsAreKeptWhenThePhaseIsCompleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.witt.ID, "grusi")
	c := f.caseOf(t, f.witt.ID, "grusi")
	v := onboarding.VariantFITConnect
	fv := "care-4"
	if _, err := f.store.PutFachverfahren(ctx, fv, 0, onboarding.FachverfahrenInput{Product: "Care 4"}); err != nil {
		t.Fatal(err)
	}
	tr := onboarding.Transport{DestinationID: "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}
	if _, err := f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v, FachverfahrenID: &fv, Transport: &tr}); err != nil {
		t.Fatal(err)
	}
	expiry := seedNow.AddDate(0, 2, 0)
	if err := f.store.RecordDestinationKey(ctx, f.db.Write, c.ID, onboarding.KeyInfo{Kid: "k1", Bits: 4096, NotAfter: expiry, Thumbprint: "ab", FetchedAt: seedNow}); err != nil {
		t.Fatal(err)
	}
	f.attend(t, f.witt.ID)
	yes := true
	items, _ := f.store.Checklist(ctx, c.ID)
	for _, it := range items {
		if it.Phase == onboarding.PhasePreparation && !it.System {
			if _, err := f.store.SetItem(ctx, c.ID, it.ID, onboarding.ItemPatch{Done: &yes}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.store.SetPhase(ctx, c.ID, onboarding.PhasePreparation, onboarding.Completed, 0); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(expiry.Add(time.Hour))
	// The completed phase keeps the evidence it was completed on.
	if it := itemOf(t, f, c.ID, "v3-zertifikat"); !it.Done || it.DoneBy != onboarding.SystemActor {
		t.Errorf("after the key expired: %+v", it)
	}
}

func TestItemsDoneOncePerMunicipality(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.witt.ID, "hzl", "eb-hzl", "grusi")
	hzl, grusi := f.caseOf(t, f.witt.ID, "hzl"), f.caseOf(t, f.witt.ID, "grusi")
	f.open(t, f.harz.ID, "hzl")
	harz := f.caseOf(t, f.harz.ID, "hzl")

	contract := itemOf(t, f, hzl.ID, "alle-vertrag")
	if contract.Scope != onboarding.ScopeTenant {
		t.Fatalf("contract scope %q", contract.Scope)
	}
	yes, comment := true, "unterzeichnet am 01.12.2026"
	if _, err := f.store.SetItem(ctx, hzl.ID, contract.ID, onboarding.ItemPatch{Done: &yes, Comment: &comment}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddAttachment(ctx, hzl.ID, contract.ID, "vertrag.pdf", []byte(pdf)); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.open(t, f.witt.ID) {
		it := itemOf(t, f, c.ID, "alle-vertrag")
		if !it.Done || it.Comment != comment || len(it.Attachments) != 1 || it.Attachments[0].CaseID != hzl.ID {
			t.Errorf("%s: contract %+v", c.Antragsstrecke, it)
		}
		// A per-case item stays per case.
		if c.ID != hzl.ID && itemOf(t, f, c.ID, "alle-testpruefung").Done {
			t.Errorf("%s: per-case item shared", c.Antragsstrecke)
		}
	}
	if itemOf(t, f, harz.ID, "alle-vertrag").Done {
		t.Error("another municipality's contract was ticked")
	}
	// A case ordered later inherits it.
	f.open(t, f.witt.ID, "but")
	if it := itemOf(t, f, f.caseOf(t, f.witt.ID, "but").ID, "alle-vertrag"); !it.Done || it.Comment != comment {
		t.Errorf("later case: %+v", it)
	}
	// Reopening from another case reopens it everywhere.
	no := false
	if _, err := f.store.SetItem(ctx, grusi.ID, itemOf(t, f, grusi.ID, "alle-vertrag").ID, onboarding.ItemPatch{Done: &no}); err != nil {
		t.Fatal(err)
	}
	if itemOf(t, f, hzl.ID, "alle-vertrag").Done {
		t.Error("reopened in one case, still done in another")
	}
}

func TestAdoptConnection(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.witt.ID, "hzl", "eb-hzl", "grusi")
	f.open(t, f.harz.ID, "hzl")
	hzl, eb, grusi := f.caseOf(t, f.witt.ID, "hzl"), f.caseOf(t, f.witt.ID, "eb-hzl"), f.caseOf(t, f.witt.ID, "grusi")
	harz := f.caseOf(t, f.harz.ID, "hzl")
	if _, err := f.store.AdoptConnection(ctx, hzl.ID, nil); ruleText(err) == "" {
		t.Fatalf("adopted a case without variant: %v", err)
	}
	v, fv := onboarding.VariantOSCIXTA2, "open-prosoz"
	if _, err := f.store.PutFachverfahren(ctx, fv, 0, onboarding.FachverfahrenInput{Product: "Open/Prosoz"}); err != nil {
		t.Fatal(err)
	}
	tr := onboarding.Transport{DVDVKennung: "sop:150910000100"}
	if _, err := f.store.UpdateCase(ctx, hzl.ID, 0, onboarding.CasePatch{Variant: &v, FachverfahrenID: &fv, Transport: &tr}); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := f.store.SetItem(ctx, hzl.ID, itemOf(t, f, hzl.ID, "v1-xta2").ID, onboarding.ItemPatch{Done: &yes}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{hzl.ID}, {harz.ID}, {"gibt-es-nicht"}} {
		if _, err := f.store.AdoptConnection(ctx, hzl.ID, bad); !isFieldError(err, "targets") {
			t.Errorf("targets %v: %v", bad, err)
		}
	}
	res, err := f.store.AdoptConnection(ctx, hzl.ID, []string{eb.ID, grusi.ID})
	if err != nil || len(res.Adopted) != 2 || len(res.Skipped) != 0 {
		t.Fatalf("adopt: %+v, %v", res, err)
	}
	for _, id := range res.Adopted {
		c, err := f.store.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Variant != v || c.FachverfahrenID != fv || c.Transport.DVDVKennung != tr.DVDVKennung {
			t.Errorf("%s: %+v", c.Antragsstrecke, c)
		}
		if !itemOf(t, f, id, "v1-xta2").Done {
			t.Errorf("%s: the ticked item of the variant was not taken over", c.Antragsstrecke)
		}
		if itemOf(t, f, id, "v1-schnittstelle").Done {
			t.Errorf("%s: an open item was ticked", c.Antragsstrecke)
		}
		entries, err := f.tenants.ListAudit(ctx, tenant.AuditFilter{ObjectType: onboarding.ObjCase, Action: "adopt-connection"})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			found = found || (e.ObjectID == id && e.Summary["adoptedFrom"] == hzl.ID)
		}
		if !found {
			t.Errorf("%s: no audit entry naming the source", c.Antragsstrecke)
		}
	}
	if other, _ := f.store.GetCase(ctx, harz.ID); other.Variant != onboarding.VariantNone {
		t.Error("another municipality's case changed")
	}
	// A live case is skipped with the reason; empty targets mean all.
	if _, err := f.db.Write.NewRaw("UPDATE onboarding_cases SET production_status = 'completed', tests_status = 'completed', preparation_status = 'completed' WHERE id = ?", grusi.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	res, err = f.store.AdoptConnection(ctx, hzl.ID, nil)
	if err != nil || len(res.Adopted) != 1 || len(res.Skipped) != 1 || res.Skipped[0].CaseID != grusi.ID || !strings.Contains(res.Skipped[0].Reason, "live") {
		t.Fatalf("adopt all: %+v, %v", res, err)
	}
}

func TestGoLiveConfirmationNeedsEvidenceOrAcknowledgement(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.witt.ID, "hzl")
	c := f.caseOf(t, f.witt.ID, "hzl")
	at := f.clock.Now()
	// Reports of a test arrive in order; an older test's late report is
	// ignored.
	if err := f.store.RecordTestResult(ctx, f.db.Write, c.ID, "d2", at, "failed", false, "9031: Leser unbekannt"); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RecordTestResult(ctx, f.db.Write, c.ID, "d1", at.Add(-time.Hour), "sent", false, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := f.store.GetCase(ctx, c.ID)
	if got.LastTest == nil || got.LastTest.DeliveryID != "d2" || got.LastTest.Detail != "9031: Leser unbekannt" || got.EvidenceOK() {
		t.Fatalf("last test %+v", got.LastTest)
	}
	cases := []struct {
		name string
		in   onboarding.GoLiveConfirmation
		want []string // fields with errors
	}{
		{"no acknowledgement", onboarding.GoLiveConfirmation{Confirmed: true}, []string{"acknowledgeFailedTest", "confirmationReason"}},
		{"no reason", onboarding.GoLiveConfirmation{Confirmed: true, Acknowledged: true, Reason: "  "}, []string{"confirmationReason"}},
		{"reason only", onboarding.GoLiveConfirmation{Confirmed: true, Reason: "telefonisch geprüft"}, []string{"acknowledgeFailedTest"}},
		{"acknowledged", onboarding.GoLiveConfirmation{Confirmed: true, Acknowledged: true, Reason: "Test mit Dataport außerhalb der Plattform bestanden"}, nil},
	}
	for _, tc := range cases {
		_, err := f.store.ConfirmGoLive(ctx, c.ID, 0, tc.in)
		for _, field := range tc.want {
			if !isFieldError(err, field) {
				t.Errorf("%s: want an error on %s, got %v", tc.name, field, err)
			}
		}
		if tc.want == nil && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	entries, err := f.tenants.ListAudit(ctx, tenant.AuditFilter{ObjectType: onboarding.ObjGoLive})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit: %+v, %v", entries, err)
	}
	s := entries[0].Summary
	ev, _ := s["evidence"].(map[string]any)
	if s["acknowledged"] != true || s["reason"] != "Test mit Dataport außerhalb der Plattform bestanden" || ev["lastTest"] != "failed" || ev["lastTestDetail"] != "9031: Leser unbekannt" {
		t.Errorf("audit summary %v", s)
	}
	// With a test that arrived, confirming needs no acknowledgement.
	if _, err := f.store.ConfirmGoLive(ctx, c.ID, 0, onboarding.GoLiveConfirmation{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.RecordTestResult(ctx, f.db.Write, c.ID, "d3", at.Add(time.Hour), "picked-up", true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ConfirmGoLive(ctx, c.ID, 0, onboarding.GoLiveConfirmation{Confirmed: true}); err != nil {
		t.Errorf("confirmation over a test that arrived: %v", err)
	}
}

func TestMissingDVDVEntries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	f.open(t, f.witt.ID, "hzl", "grusi", "but")
	f.open(t, f.harz.ID, "hzl")
	v := onboarding.VariantOSCIXTA2
	set := func(c *onboarding.Case, kennung string) {
		tr := onboarding.Transport{DVDVKennung: kennung}
		if _, err := f.store.UpdateCase(ctx, c.ID, 0, onboarding.CasePatch{Variant: &v, Transport: &tr}); err != nil {
			t.Fatal(err)
		}
	}
	set(f.caseOf(t, f.witt.ID, "hzl"), "sop:150910000100")
	set(f.caseOf(t, f.witt.ID, "grusi"), "sop:150910000100")
	set(f.caseOf(t, f.witt.ID, "but"), "")
	set(f.caseOf(t, f.harz.ID, "hzl"), "sop:150850000100")
	putDVDV(t, f, "sop:150850000100", true, nil)
	got, err := f.store.MissingDVDVEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Kennung != "sop:150910000100" || got[0].TenantID != f.witt.ID || len(got[0].CaseIDs) != 2 || got[0].Deactivated {
		t.Fatalf("missing %+v", got)
	}
	putDVDV(t, f, "sop:150910000100", false, nil)
	if got, _ = f.store.MissingDVDVEntries(ctx); len(got) != 1 || !got[0].Deactivated {
		t.Fatalf("deactivated entry: %+v", got)
	}
}
