package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	deliverydemo "sozialplattform/onboarding/delivery/demo"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
)

// mailLink is the path of the first link with prefix in the newest mail
// to to.
func mailLink(t *testing.T, a *app, to, prefix string) string {
	t.Helper()
	for _, full := range mailtest.Listed(t, a.outbox, func(m mail.Stored) bool { return m.To == to }) {
		// The mail's links carry the instance's configured address; the
		// test server listens elsewhere, so the path is followed.
		if i := strings.Index(full.TextBody, prefix); i >= 0 {
			return strings.Fields(full.TextBody[i:])[0]
		}
	}
	t.Fatalf("no mail to %s with a link %s", to, prefix)
	return ""
}

// seedStory is the acceptance walk of issue 16 in
// Chromium: a new Landkreis registers on the marketplace, confirms its
// function mailbox by the mailed link, the ministry activates it from its
// Aufgaben, the municipality accepts the mailed invitation, orders the
// Sozialplattform's services and connects one case per variant – GruSi
// by variant 2 (the console mailbox), HzL by variant 3 (the demo's local
// FIT-Connect) and BuT by variant 1 (the demo's XTA2 intermediary, once
// the ministry has entered the DVDV entry its Aufgaben ask for) – through
// preparation, connection test and go-live; the first application of
// each, built as a citizen's, arrives. The layout guard runs on every
// page either of them visits.
func seedStory(t *testing.T, root context.Context) {
	a, srv := demoConsole(t, false)
	bg := context.Background()
	// The demo's transport servers: a local FIT-Connect with its
	// destination for all of Sachsen-Anhalt (and a local XTA2 server).
	demo, err := deliverydemo.Start(bg, a.delivery, deliverydemo.Options{DB: a.db, DataDir: t.TempDir(), BaseURL: srv.URL,
		Onboarding: a.onboard, Tenants: a.store, Directory: a.dvdv, Author: a.xtaAuthor(), Build: a.testApplication})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	// Every step has a deadline of its own; this one only bounds the
	// walk, which took 13 minutes on two cores shared with three other
	// Chromium tests and compilers (load average 40).
	root, cancel := context.WithTimeout(root, 25*time.Minute)
	defer cancel()
	var problems []string
	someone := func() person { return newPerson(t, root, srv.URL, &problems) }
	const mailbox, password = "sozialamt@salzlandkreis.example", "Bode-fliesst-durch-Stassfurt-2026"

	// Register and confirm the function mailbox by the mailed link.
	muni := someone()
	muni.visit("/marktplatz/registrierung")
	if next := muni.submit("/marktplatz/registrierung", nil, map[string]string{"authorityName": "Salzlandkreis", "officialKey": "15089",
		"functionMailbox": mailbox, "street": "Karlsplatz 37", "postalCode": "06406", "city": "Bernburg (Saale)",
		"contactName": "Sina Salz", "acceptTerms": "1"}); !strings.HasPrefix(next, "/marktplatz/registrierung/eingegangen") {
		t.Fatalf("registration went to %s", next)
	}
	confirm := mailLink(t, a, mailbox, "/marktplatz/registrierung/bestaetigen/")
	muni.visit(confirm)
	muni.submit("", nil, nil)
	if text := muni.visit(confirm); !strings.Contains(text, "bestätigt") && !strings.Contains(text, "verwendet") {
		t.Errorf("after confirming:\n%s", text)
	}

	// The ministry activates it from its Aufgaben.
	ministry := someone()
	ministry.visit("/admin/anmelden")
	ministry.submit("/admin/anmelden", nil, map[string]string{"email": "ministerium@demo.example", "passwort": tenant.DemoPassword})
	start := ministry.visit("/admin/")
	if !strings.Contains(start, "Registrierungen warten auf Freischaltung") {
		t.Fatalf("ministry's start page:\n%s", start)
	}
	regs := ministry.visit("/admin/marktplatz/registrierungen?stand=bestaetigt")
	if !strings.Contains(regs, "Salzlandkreis") {
		t.Fatalf("confirmed registrations:\n%s", regs)
	}
	var regID string
	rows, err := a.market.ListRegistrations(bg, marketplace.RegistrationFilter{State: marketplace.RegistrationConfirmed})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.FunctionMailbox == mailbox {
			regID = r.ID
		}
	}
	if regID == "" {
		t.Fatal("no confirmed registration")
	}
	ministry.visit("/admin/marktplatz/registrierungen/" + regID)
	ministry.submit("/admin/marktplatz/registrierungen/"+regID+"/freischalten", nil, nil)
	salz, err := a.store.ResolveTenant(bg, "15089")
	if err != nil {
		t.Fatalf("the activation created no tenant: %v", err)
	}

	// The municipality accepts the mailed invitation and orders.
	invite := mailLink(t, a, mailbox, "/admin/einladung/")
	muni.visit(invite)
	muni.submit(invite, nil, map[string]string{"name": "Sina Salz", "passwort": password, "passwort2": password})
	if text := muni.visit("/admin/"); !strings.Contains(text, "Erste Schritte") {
		muni.visit("/admin/anmelden")
		muni.submit("/admin/anmelden", nil, map[string]string{"email": mailbox, "passwort": password})
	}
	for _, p := range []string{"SW10187", "SW10186", "SW10183"} {
		muni.visit("/marktplatz/produkte/" + p)
		muni.submit("/admin/koerperschaften/"+salz.ID+"/warenkorb", nil, nil)
	}
	muni.visit("/admin/koerperschaften/" + salz.ID + "/warenkorb")
	muni.submit("/admin/koerperschaften/"+salz.ID+"/bestellen", nil, nil)
	cases, err := a.onboard.ListCases(bg, salz.ID)
	if err != nil || len(cases) < 3 {
		t.Fatalf("the order opened %d cases (%v)", len(cases), err)
	}
	caseOf := func(strecke string) onboarding.Case {
		t.Helper()
		for _, k := range cases {
			if k.Antragsstrecke == strecke {
				return k
			}
		}
		t.Fatalf("no %s case among %+v", strecke, cases)
		return onboarding.Case{}
	}
	c := caseOf("grusi")

	// Variant 2: the console's mailbox, its users named.
	page := "/admin/anbindung/fall/" + c.ID
	muni.visit(page)
	muni.submit(page+"/variante", nil, map[string]string{"variante": "2"})
	muni.submit(page+"/anbindungsdaten", nil, map[string]string{"mailboxUsers": mailbox})
	// Register for a Sprechstunde; it takes place (the wall clock is the
	// test's clock, so its date moves into the past).
	cons, err := a.onboard.ListConsultations(bg, onboardingFrom(a))
	if err != nil || len(cons) == 0 {
		t.Fatalf("Sprechstunden %v, %v", cons, err)
	}
	muni.visit("/admin/sprechstunden")
	muni.submit("/admin/sprechstunden/"+cons[0].ID+"/anmeldung", nil, nil)
	if _, err := a.db.Write.NewRaw("UPDATE onboarding_consultations SET starts_at = ? WHERE id = ?", time.Now().Add(-time.Hour), cons[0].ID).Exec(bg); err != nil {
		t.Fatal(err)
	}
	tick := func(c onboarding.Case, p onboarding.Phase) {
		t.Helper()
		page := "/admin/anbindung/fall/" + c.ID
		items, err := a.onboard.Checklist(bg, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Phase == p && !it.Done && it.Fact == "" {
				muni.visit(page)
				muni.submit(page+"/checkliste/"+it.ID, map[string]string{"erledigt": "1"}, nil)
			}
		}
	}
	phase := func(c onboarding.Case, p onboarding.Phase, to onboarding.Status) {
		t.Helper()
		page := "/admin/anbindung/fall/" + c.ID
		muni.visit(page)
		muni.submit(page+"/phasen/"+string(p), map[string]string{"stand": string(to)}, nil)
		got, err := a.onboard.GetCase(bg, c.ID)
		if err != nil || got.Phase(p).Status != to {
			t.Fatalf("%s %s → %s: %+v (%v); on the page: %s", c.Antragsstrecke, p, to, got.Phase(p), err, muni.visit(page))
		}
	}
	// The connection test, from the case's to-do: the platform sends a
	// test application on the way the case sets up.
	connectionTest := func(c onboarding.Case) {
		t.Helper()
		muni.visit("/admin/anbindungstest/" + c.ID)
		muni.submit("/admin/anbindungstest/"+c.ID, nil, nil)
		if got, _ := a.onboard.GetCase(bg, c.ID); got == nil || got.TestDeliveryAt == nil {
			t.Fatalf("%s: no test delivery recorded: %+v; test page: %s", c.Antragsstrecke, got, muni.visit("/admin/anbindungstest/"+c.ID))
		}
	}
	goLive := func(c onboarding.Case) {
		t.Helper()
		phase(c, onboarding.PhasePreparation, onboarding.InProgress)
		tick(c, onboarding.PhasePreparation)
		if c.Variant == onboarding.VariantFITConnect {
			// The platform reaches the destination and checks its key
			// with the first test application.
			connectionTest(c)
		}
		phase(c, onboarding.PhasePreparation, onboarding.Completed)
		phase(c, onboarding.PhaseConnectionTests, onboarding.InProgress)
		tick(c, onboarding.PhaseConnectionTests)
		connectionTest(c)
		phase(c, onboarding.PhaseConnectionTests, onboarding.Completed)
		phase(c, onboarding.PhaseProduction, onboarding.InProgress)
		tick(c, onboarding.PhaseProduction)
		phase(c, onboarding.PhaseProduction, onboarding.Completed)
	}
	c.Variant = onboarding.VariantOSCIClient
	goLive(c)

	// Variant 3: HzL to the demo's FIT-Connect destination.
	hzl := caseOf("hzl")
	hp := "/admin/anbindung/fall/" + hzl.ID
	muni.visit(hp)
	muni.submit(hp+"/variante", nil, map[string]string{"variante": "3"})
	muni.submit(hp+"/fachverfahren", nil, map[string]string{"fachverfahren": "open-prosoz"})
	muni.submit(hp+"/anbindungsdaten", nil, map[string]string{"destinationId": demo.DestinationID})
	hzl.Variant = onboarding.VariantFITConnect
	goLive(hzl)

	// Variant 1: BuT through an OSCI intermediary (the demo's XTA2
	// server). The municipality names its DVDV Behördenkennung; the
	// ministry finds the missing DVDV entry among its Aufgaben and enters
	// the intermediary's address and certificate; from then on the
	// intermediary knows the reader, the connection test is picked up by
	// the Fachverfahren, and the case goes live.
	const kennung = "sop:150890000100"
	but := caseOf("but")
	bp := "/admin/anbindung/fall/" + but.ID
	muni.visit(bp)
	muni.submit(bp+"/variante", nil, map[string]string{"variante": "1"})
	muni.submit(bp+"/fachverfahren", nil, map[string]string{"fachverfahren": "open-prosoz"})
	muni.submit(bp+"/anbindungsdaten", nil, map[string]string{"dvdvKennung": kennung})
	if start := ministry.visit("/admin/"); !strings.Contains(start, "DVDV-Einträge anzulegen") {
		t.Fatalf("the ministry's Aufgaben name no missing DVDV entry:\n%s", start)
	}
	if work := ministry.visit("/admin/arbeitsliste/dvdv"); !strings.Contains(work, kennung) || !strings.Contains(work, "Salzlandkreis") {
		t.Fatalf("the DVDV work list lacks %s of the Salzlandkreis:\n%s", kennung, work)
	}
	ministry.visit("/admin/dvdv")
	ministry.submit("/admin/dvdv", nil, map[string]string{"kennung": kennung, "name": "Salzlandkreis – Sozialamt",
		"endpoint": demo.XTAURL, "certificate": demo.XTACertificate, "active": "true"})
	if work := ministry.visit("/admin/arbeitsliste/dvdv"); strings.Contains(work, kennung) {
		t.Errorf("the DVDV entry %s is still listed as missing:\n%s", kennung, work)
	}
	but.Variant = onboarding.VariantOSCIXTA2
	goLive(but)

	live, err := a.onboard.LiveAntragsstrecken(bg, salz.ID)
	slices.Sort(live)
	if err != nil || strings.Join(live, ",") != "but,grusi,hzl" {
		t.Fatalf("live: %v, %v", live, err)
	}

	// The first application of each, built as a citizen's is, arrives:
	// GruSi in the console mailbox, where the clerk finds it; HzL at the
	// FIT-Connect destination, BuT at the intermediary, both fetched by
	// the Fachverfahren.
	for _, first := range []struct{ strecke, ref, want string }{
		{"grusi", "SLK-GRUSI-1", delivery.StatusSent}, {"hzl", "SLK-HZL-1", delivery.StatusAccepted}, {"but", "SLK-BUT-1", delivery.StatusPickedUp},
	} {
		xml, pdf, err := a.testApplication(bg, salz.ID, first.strecke, first.ref, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var deliveryID string
		if err := a.db.Tx(bg, func(ctx context.Context, tx bun.Tx) error {
			deliveryID, err = a.delivery.Enqueue(ctx, tx, delivery.Document{ApplicationID: "story-" + first.strecke, TenantID: salz.ID,
				Antragsstrecke: first.strecke, ReferenceNumber: first.ref, XML: xml, PDF: pdf, SubmittedAt: time.Now().UTC().Truncate(time.Microsecond)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := a.delivery.Drive(bg, deliveryID, 20*time.Second); err != nil {
			t.Fatal(err)
		}
		got, err := a.delivery.List(bg, salz.ID, delivery.Filter{Query: first.ref})
		if err != nil || len(got) != 1 || got[0].Status != first.want {
			t.Errorf("the first %s application: %+v (%v), want status %s", first.strecke, got, err, first.want)
		}
		if text := muni.visit("/admin/zustellung/" + salz.ID); !strings.Contains(text, first.ref) {
			t.Errorf("the deliveries page lacks %s:\n%s", first.ref, text)
		}
	}
	if text := muni.visit("/admin/postfach/" + salz.ID); !strings.Contains(text, "SLK-GRUSI-1") {
		t.Errorf("the first application is not in the mailbox:\n%s", text)
	}
	// The ministry sees it live in the Umsetzungsstand.
	if text := ministry.visit("/admin/rollout/kommune/" + salz.ID); !strings.Contains(text, "Salzlandkreis") {
		t.Errorf("the ministry's view of the municipality:\n%s", text)
	}
	if len(problems) > 0 {
		t.Errorf("%d layout problems on the story's pages:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}
