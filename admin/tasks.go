package admin

import (
	"fmt"
	"net/http"
	"slices"

	"sozialplattform/admin/ui"
	"sozialplattform/marketplace"
	onboardingstore "sozialplattform/onboarding"
	deliveryservice "sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	counsellingstore "sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// taskItemsShown is how many entries a task names before "and n more".
const taskItemsShown = 5

// workLists composes the start page's work lists from the domains: the
// console is the one place that knows them all. The ministry sees what
// waits for it across the Land ("Aufgaben"), a municipality its next steps
// ("Erste Schritte"). Every count comes from a query of its domain.
type workLists struct {
	shell       *ui.Shell
	market      *marketplace.Store
	onboarding  *onboardingstore.Store
	delivery    *deliveryservice.Service
	dir         *dvdv.Directory
	counselling *counsellingstore.Store
}

// ministry is the ministry's list: each task only for who holds its right
// at the Land.
func (l *workLists) ministry(r *http.Request) ([]ui.TaskList, error) {
	ctx, s := r.Context(), l.shell
	list := ui.TaskList{Heading: "Aufgaben", Intro: "Was auf das Ministerium wartet, landesweit. Jede Zahl führt zur Liste, in der Sie es erledigen."}
	if l.market != nil && (s.IsMinistry(r, marketplace.ObjRegistration, authz.Update) || s.IsMinistry(r, marketplace.ObjProduct, authz.Update)) {
		w, err := l.market.Work(ctx)
		if err != nil {
			return nil, err
		}
		if s.IsMinistry(r, marketplace.ObjRegistration, authz.Update) {
			list.Tasks = append(list.Tasks, ui.Task{Label: "Registrierungen warten auf Freischaltung", Count: w.RegistrationsWaiting,
				Href: "/admin/marktplatz/registrierungen?stand=" + string(marketplace.RegistrationConfirmed),
				Hint: "Das Funktionspostfach ist bestätigt; prüfen Sie Behörde und Schlüssel und schalten Sie frei oder lehnen Sie ab."})
		}
		if s.IsMinistry(r, marketplace.ObjOrder, authz.Update) {
			list.Tasks = append(list.Tasks, ui.Task{Label: "Neue Bestellungen", Count: w.NewOrders,
				Href: "/admin/marktplatz/bestellungen?stand=" + string(marketplace.OrderReceived),
				Hint: "Bestellungen im Stand „Eingegangen“: bestätigen und die Anbindung begleiten."})
		}
		if s.IsMinistry(r, marketplace.ObjProduct, authz.Update) {
			t := ui.Task{Key: "preise", Label: fmt.Sprintf("Preise enden in den nächsten %d Tagen", marketplace.PriceEndingDays),
				Hint: "Danach ist kein Preis festgelegt: Legen Sie den nächsten Zeitraum fest oder entscheiden Sie, ob der Dienst bestellbar bleibt.",
				Tool: &ui.TaskItem{Label: "Produktliste mit endenden Preisen", Href: "/admin/marktplatz/produkte?preise=enden"}}
			for _, p := range w.PricesEnding {
				t.All = append(t.All, ui.TaskItem{Label: p.Number + " " + p.Name, Href: "/admin/marktplatz/produkte/" + p.ProductID, Note: "bis " + p.ValidUntil.German()})
			}
			list.Tasks = append(list.Tasks, queued(t))
		}
	}
	if l.onboarding != nil && s.IsMinistry(r, onboardingstore.ObjCase, authz.Read) {
		w, err := l.onboarding.Work(ctx, nil)
		if err != nil {
			return nil, err
		}
		if s.IsMinistry(r, onboardingstore.ObjGoLive, authz.Update) {
			list.Tasks = append(list.Tasks, caseTask(ui.Task{Key: "livegang", Label: "Livegang-Bestätigungen angefragt",
				Hint: "Die Anbindungstests warten nur noch auf die erfolgreiche Testzustellung: ohne sie oder Ihre Bestätigung kann die Antragsstrecke nicht live gehen."}, w.GoLiveRequests, func(c onboardingstore.CaseRef) string { return "" }))
		}
		if l.dir != nil && s.IsMinistry(r, deliveryservice.ObjDVDV, authz.Update) {
			entries, err := l.dir.List(ctx)
			if err != nil {
				return nil, err
			}
			have := map[string]bool{}
			for _, e := range entries {
				have[e.Kennung] = true
			}
			var missing []onboardingstore.CaseRef
			for _, c := range w.OSCICases {
				if !have[c.DVDVKennung] && !slices.ContainsFunc(missing, func(m onboardingstore.CaseRef) bool { return m.DVDVKennung == c.DVDVKennung }) {
					missing = append(missing, c)
				}
			}
			list.Tasks = append(list.Tasks, caseTask(ui.Task{Key: "dvdv", Label: "DVDV-Einträge anzulegen",
				Hint: "Fälle der Variante 1 nennen eine Behördenkennung, die im DVDV-Verzeichnis fehlt: ohne Eintrag kein Versand über OSCI.",
				Tool: &ui.TaskItem{Label: "DVDV-Verzeichnis pflegen", Href: "/admin/dvdv"}}, missing,
				func(c onboardingstore.CaseRef) string { return c.DVDVKennung }))
		}
		list.Tasks = append(list.Tasks, caseTask(ui.Task{Key: "zertifikate", Label: "Zertifikate laufen ab",
			Hint: fmt.Sprintf("Verschlüsselungszertifikate von FIT-Connect-Zustellpunkten, die in %d Tagen oder früher ablaufen oder abgelaufen sind.", onboardingstore.KeyWarnDays)},
			w.ExpiringKeys, func(c onboardingstore.CaseRef) string {
				if c.Due == nil {
					return ""
				}
				return "bis " + s.FormatDay(*c.Due)
			}))
	}
	if l.delivery != nil && s.IsMinistry(r, deliveryservice.ObjStatistics, authz.Read) {
		failed, err := l.delivery.FailedCounts(ctx, nil)
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(failed))
		for id := range failed {
			ids = append(ids, id)
		}
		t := ui.Task{Key: "zustellungen", Label: "Kommunen mit gescheiterten Zustellungen",
			Hint: "Kommunen, deren Anträge das Fachverfahren nicht erreicht haben (gescheitert oder abgewiesen): Die Kommune muss handeln; fragen Sie bei Bedarf nach.",
			Tool: &ui.TaskItem{Label: "Zustellungen je Kommune und Variante", Href: "/admin/zustellung"}}
		if len(ids) > 0 {
			ts, err := s.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
			if err != nil {
				return nil, err
			}
			for _, tn := range ts {
				t.All = append(t.All, ui.TaskItem{Label: tn.Name, Href: "/admin/koerperschaften/" + tn.ID,
					Note: fmt.Sprintf("%d Zustellung(en) gescheitert oder abgewiesen", failed[tn.ID])})
			}
		}
		list.Tasks = append(list.Tasks, queued(t))
	}
	if l.counselling != nil && s.IsMinistry(r, counsellingstore.ObjCentre, authz.Update) {
		cs, err := l.counselling.List(ctx, counsellingstore.ListFilter{Outdated: true,
			TenantIDs: s.Authz.Tenants(authz.PrincipalFrom(ctx), counsellingstore.ObjCentre, authz.Read)})
		if err != nil {
			return nil, err
		}
		list.Tasks = append(list.Tasks, ui.Task{Label: "Beratungsstellen-Einträge überfällig", Count: len(cs), Href: "/admin/beratung/veraltet",
			Hint: "Einträge, die lange niemand bestätigt hat: bitte die Stelle um Prüfung."})
	}
	if len(list.Tasks) == 0 {
		return nil, nil
	}
	return []ui.TaskList{list}, nil
}

// caseTask fills a keyed task with its cases, each linked to its case
// page.
func caseTask(t ui.Task, cases []onboardingstore.CaseRef, note func(onboardingstore.CaseRef) string) ui.Task {
	for _, c := range cases {
		t.All = append(t.All, ui.TaskItem{Label: c.TenantName + ": " + c.Label, Href: "/admin/anbindung/fall/" + c.CaseID, Note: note(c)})
	}
	return queued(t)
}

// queued makes a keyed task's count, link and start-page entries from its
// full list: the count is exactly what the linked list shows.
func queued(t ui.Task) ui.Task {
	t.Count = len(t.All)
	t.Href = ui.QueuePath(t.Key)
	t.Limit(taskItemsShown)
	return t
}

// municipality is a municipality's way from registration to its first
// delivered application, one list per body the person works for: order,
// then the connection steps of each open case, failed deliveries and new
// mailbox items.
func (l *workLists) municipality(r *http.Request) ([]ui.TaskList, error) {
	ctx, s := r.Context(), l.shell
	u := ui.UserFrom(r)
	if u == nil {
		return nil, nil
	}
	ms, err := s.Store.Memberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	p := authz.PrincipalFrom(ctx)
	var out []ui.TaskList
	for _, m := range ms {
		if s.Authz.IsRoot(m.TenantID) {
			continue
		}
		t, err := s.Store.GetTenant(ctx, m.TenantID)
		if err != nil {
			return nil, err
		}
		if t.Kind == tenant.KindOrganisation {
			continue
		}
		list := ui.TaskList{Heading: "Erste Schritte: " + t.Name}
		ordered := false
		if l.market != nil && s.Allowed(r, t.ID, marketplace.ObjOrder, authz.Read) {
			orders, err := l.market.ListOrders(ctx, marketplace.OrderFilter{TenantIDs: []string{t.ID}, Limit: 50})
			if err != nil {
				return nil, err
			}
			ordered = len(orders) > 0
			step := ui.Task{Step: true, Done: ordered, Label: "Onlinedienste bestellen", Href: "/marktplatz/",
				Hint: "Wählen Sie im Katalog die Dienste der Sozialplattform, legen Sie sie in den Warenkorb und bestellen Sie. Jede Bestellung öffnet die Anbindungsfälle."}
			if ordered {
				step.Hint = fmt.Sprintf("%d Bestellung(en); weitere Dienste bestellen Sie jederzeit im Katalog.", len(orders))
				step.Href = "/admin/koerperschaften/" + t.ID + "/bestellungen"
			}
			list.Tasks = append(list.Tasks, step)
		}
		if l.onboarding != nil && s.Allowed(r, t.ID, onboardingstore.ObjCase, authz.Read) {
			cases, err := l.onboarding.ListCases(ctx, t.ID)
			if err != nil {
				return nil, err
			}
			step := ui.Task{Step: true, Label: "Antragsstrecken anbinden", Href: "/admin/anbindung/" + t.ID,
				Hint: "Je Antragsstrecke: Anbindungsvariante und Fachverfahren wählen, Anbindungsdaten eintragen, Testantrag senden, live gehen."}
			open := 0
			for _, c := range cases {
				if c.Live() {
					continue
				}
				open++
				if len(step.Items) == taskItemsShown {
					step.More++
					continue
				}
				d, err := l.onboarding.Detail(ctx, c.ID)
				if err != nil {
					return nil, err
				}
				item := ui.TaskItem{Label: c.AntragsstreckeLabel, Href: "/admin/anbindung/fall/" + c.ID}
				for _, st := range d.Steps {
					if st.Kind == "todo" {
						item.Note = st.Title
						if st.Anchor != "" {
							item.Href += "#" + st.Anchor
						}
						break
					}
				}
				step.Items = append(step.Items, item)
			}
			step.Count = open
			step.Done = len(cases) > 0 && open == 0
			if len(cases) > 0 {
				if open > 0 {
					step.Hint = fmt.Sprintf("%d von %d Antragsstrecken sind noch nicht live; die nächsten Schritte:", open, len(cases))
				} else {
					step.Hint = fmt.Sprintf("Alle %d Antragsstrecken sind live.", len(cases))
				}
			}
			if len(cases) > 0 || ordered {
				list.Tasks = append(list.Tasks, step)
			}
		}
		if l.delivery != nil && s.Allowed(r, t.ID, deliveryservice.ObjDelivery, authz.Read) {
			failed, err := l.delivery.FailedCounts(ctx, []string{t.ID})
			if err != nil {
				return nil, err
			}
			list.Tasks = append(list.Tasks, ui.Task{Label: "Zustellungen mit Fehlern", Count: failed[t.ID], Href: "/admin/zustellung/" + t.ID,
				Hint: "Anträge, die das Fachverfahren nicht erreicht haben: Ursache prüfen und erneut zustellen."})
			if deliveryservice.MayOpenMailbox(s.Authz.Roles(p, t.ID)) {
				msgs, err := l.delivery.ListMailbox(ctx, t.ID, deliveryservice.MailboxFilter{Status: "new", Limit: 500})
				if err != nil {
					return nil, err
				}
				list.Tasks = append(list.Tasks, ui.Task{Label: "Neue Anträge im Postfach", Count: len(msgs), Href: "/admin/postfach/" + t.ID,
					Hint: "Anträge der Variante 2, die noch niemand abgeholt hat."})
			}
		}
		if len(list.Tasks) > 0 {
			out = append(out, list)
		}
	}
	return out, nil
}
