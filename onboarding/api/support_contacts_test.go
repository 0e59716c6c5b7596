package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/api/apitest"
	"sozialplattform/tenant/authz"
)

// contactList is the answer of both lists of support contacts.
type contactList struct {
	CaseID  string
	Variant onboarding.Variant
	Phase   onboarding.Phase
	Items   []onboarding.SupportContact
}

func (l contactList) names() []string {
	out := make([]string, len(l.Items))
	for i, c := range l.Items {
		out[i] = c.Name
	}
	return out
}

// seedContacts are the demo's two support contacts, by name.
var seedContacts = []string{"Anbindungssupport NRW", "Dataport Roll-In-Management"}

// TestSupportContactsAPI: every account of a municipality reads the
// support contacts and changes none, the ministry keeps them (with the
// version guarding every change and each one audited), a caller without
// login gets 401, wrong input comes back per field, and a case names the
// contacts of its variant and phase – for whoever may read the case.
func TestSupportContactsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	ministry, witt, clerk := f.as("ministerium@demo.example"), f.as("wittenberg@demo.example"), f.as("sachbearbeitung.harz@demo.example")
	anonymous := apitest.Anonymous(t, f.api)

	var seeded contactList
	ministry.Must(http.StatusOK, "GET", "/v1/support-contacts", nil, &seeded)
	if !slices.Equal(seeded.names(), seedContacts) {
		t.Fatalf("seeded contacts %v", seeded.names())
	}
	nrw := seeded.Items[0]
	one := "/v1/support-contacts/" + nrw.ID
	change := map[string]any{"version": nrw.Version, "name": "Übernommen", "role": "Alles.", "mailbox": "x@example.org"}

	// Who may do what; the answers of municipalities and anonymous
	// callers change nothing (checked below).
	for _, tt := range []struct {
		who          string
		caller       *apitest.Caller
		read, change int
	}{
		{"municipality admin", witt, http.StatusOK, http.StatusForbidden},
		{"municipality clerk", clerk, http.StatusOK, http.StatusForbidden},
		{"no login", anonymous, http.StatusUnauthorized, http.StatusUnauthorized},
	} {
		for _, req := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/v1/support-contacts", nil, tt.read},
			{"GET", one, nil, tt.read},
			{"POST", "/v1/support-contacts", change, tt.change},
			{"PUT", one, change, tt.change},
			{"DELETE", one + fmt.Sprintf("?version=%d", nrw.Version), nil, tt.change},
		} {
			t.Run(tt.who+" "+req.method+" "+req.path, func(t *testing.T) {
				status, raw := tt.caller.Do(req.method, req.path, req.body, nil)
				if status != req.want {
					t.Errorf("status %d, want %d: %s", status, req.want, raw)
				}
				if status == http.StatusOK && !strings.Contains(raw, "Anbindungssupport NRW") {
					t.Errorf("read without the contact: %s", raw)
				}
			})
		}
	}
	var got onboarding.SupportContact
	ministry.Must(http.StatusOK, "GET", one, nil, &got)
	if got.Name != nrw.Name || got.Version != nrw.Version {
		t.Fatalf("refused requests changed the contact: %+v", got)
	}

	// Wrong input: a problem (RFC 9457) naming each wrong field, in
	// German where the platform checks the meaning; nothing stored.
	for _, tt := range []struct {
		name, method, path string
		body               map[string]any
		fields             []string
		message            string
	}{
		{"nothing entered", "POST", "/v1/support-contacts", map[string]any{},
			[]string{"body.name", "body.role", "body.mailbox"}, "Bitte geben Sie den Namen der Stelle an"},
		{"no mailbox address", "POST", "/v1/support-contacts", map[string]any{"name": "X", "role": "Y", "mailbox": "anbindung(at)nrw"},
			[]string{"body.mailbox"}, "gültige E-Mail-Adresse"},
		{"phone without digits", "POST", "/v1/support-contacts", map[string]any{"name": "X", "role": "Y", "mailbox": "x@example.org", "phone": "null-drei"},
			[]string{"body.phone"}, ""},
		{"variant 4", "POST", "/v1/support-contacts", map[string]any{"name": "X", "role": "Y", "mailbox": "x@example.org", "variants": []int{4}},
			[]string{"body.variants"}, ""},
		{"unknown phase", "POST", "/v1/support-contacts", map[string]any{"name": "X", "role": "Y", "mailbox": "x@example.org", "phases": []string{"livegang"}},
			[]string{"body.phases"}, ""},
		{"position too large", "POST", "/v1/support-contacts", map[string]any{"name": "X", "role": "Y", "mailbox": "x@example.org", "position": 1000},
			[]string{"body.position"}, ""},
		{"a change without version", "PUT", one, map[string]any{"name": "X", "role": "Y", "mailbox": "x@example.org"},
			[]string{"body.version"}, "Version"},
		{"a change without name", "PUT", one, map[string]any{"version": nrw.Version, "role": "Y", "mailbox": "x@example.org"},
			[]string{"body.name"}, "Bitte geben Sie den Namen der Stelle an"},
		{"a removal without version", "DELETE", one, nil, []string{"query.version"}, "Version"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != nil {
				body, _ = json.Marshal(tt.body)
			}
			status, h, raw := ministry.Send(tt.method, tt.path, "application/json", body)
			if status != http.StatusUnprocessableEntity || h.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("status %d, %s: %s", status, h.Get("Content-Type"), raw)
			}
			var p struct {
				Detail string
				Errors []struct{ Location, Message string }
			}
			if err := json.Unmarshal([]byte(raw), &p); err != nil {
				t.Fatal(err)
			}
			var locations []string
			for _, e := range p.Errors {
				locations = append(locations, e.Location)
			}
			for _, field := range tt.fields {
				if !slices.ContainsFunc(locations, func(l string) bool { return l == field || strings.HasPrefix(l, field+"[") }) {
					t.Errorf("%s not named: %v", field, locations)
				}
			}
			if !strings.Contains(raw, tt.message) {
				t.Errorf("message %q missing: %s", tt.message, raw)
			}
		})
	}
	var after contactList
	ministry.Must(http.StatusOK, "GET", "/v1/support-contacts", nil, &after)
	if !slices.Equal(after.names(), seedContacts) || after.Items[0].Version != nrw.Version {
		t.Fatalf("refused input stored: %v", after.Items)
	}

	// The ministry adds a contact for variant 1 in production, changes it
	// and removes it; the version guards every change.
	var created onboarding.SupportContact
	ministry.Must(http.StatusCreated, "POST", "/v1/support-contacts", map[string]any{"name": " OSCI-Betrieb ", "role": "Hilft im Betrieb.",
		"mailbox": "Betrieb@Example.ORG", "phone": "0391 567-0", "variants": []int{1}, "phases": []string{"production"}, "position": 30}, &created)
	if created.ID == "" || created.Name != "OSCI-Betrieb" || created.Mailbox != "betrieb@example.org" || created.Version != 1 ||
		!slices.Equal(created.Variants, []onboarding.Variant{onboarding.VariantOSCIXTA2}) || !slices.Equal(created.Phases, []onboarding.Phase{onboarding.PhaseProduction}) {
		t.Errorf("created %+v", created)
	}
	path := "/v1/support-contacts/" + created.ID
	ministry.Must(http.StatusOK, "GET", path, nil, &got)
	if got.ID != created.ID || got.Name != "OSCI-Betrieb" {
		t.Errorf("read back %+v", got)
	}
	var updated onboarding.SupportContact
	ministry.Must(http.StatusOK, "PUT", path, map[string]any{"version": 1, "name": "OSCI-Betrieb", "role": "Hilft im Betrieb und bei Störungen.",
		"mailbox": "betrieb@example.org", "variants": []int{1}, "phases": []string{"production"}, "position": 30}, &updated)
	if updated.Version != 2 || updated.Role != "Hilft im Betrieb und bei Störungen." || updated.Phone != "" {
		t.Errorf("updated %+v", updated)
	}
	if status, raw := ministry.Do("PUT", path, map[string]any{"version": 1, "name": "Veraltet", "role": "x", "mailbox": "x@example.org"}, nil); status != http.StatusConflict ||
		!strings.Contains(raw, "zwischenzeitlich geändert") {
		t.Errorf("stale change: %d %s", status, raw)
	}
	if status, raw := ministry.Do("PUT", "/v1/support-contacts/unbekannt", map[string]any{"version": 1, "name": "X", "role": "x", "mailbox": "x@example.org"}, nil); status != http.StatusNotFound {
		t.Errorf("change of an unknown contact: %d %s", status, raw)
	}

	// A case names the contacts of its variant and current phase: Harz'
	// HzL is live over variant 1, Wittenberg's is in preparation without a
	// variant. Another municipality's case is not found.
	harzHzL, wittHzL := f.caseOf("landkreis-harz", "hzl"), f.caseOf("landkreis-wittenberg", "hzl")
	for _, tt := range []struct {
		who    string
		caller *apitest.Caller
		c      *onboarding.Case
		status int
		phase  onboarding.Phase
		names  []string
	}{
		{"ministry, Harz", ministry, harzHzL, http.StatusOK, onboarding.PhaseProduction, []string{"Dataport Roll-In-Management", "OSCI-Betrieb"}},
		{"Harz clerk, Harz", clerk, harzHzL, http.StatusOK, onboarding.PhaseProduction, []string{"Dataport Roll-In-Management", "OSCI-Betrieb"}},
		{"Wittenberg, Wittenberg", witt, wittHzL, http.StatusOK, onboarding.PhasePreparation, seedContacts},
		{"Wittenberg, Harz", witt, harzHzL, http.StatusNotFound, "", nil},
		{"Harz clerk, Wittenberg", clerk, wittHzL, http.StatusNotFound, "", nil},
		{"no login, Harz", anonymous, harzHzL, http.StatusUnauthorized, "", nil},
	} {
		t.Run("case contacts as "+tt.who, func(t *testing.T) {
			var l contactList
			status, raw := tt.caller.Do("GET", "/v1/onboarding-cases/"+tt.c.ID+"/support-contacts", nil, &l)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, raw)
			}
			if status == http.StatusOK && (l.CaseID != tt.c.ID || l.Variant != tt.c.Variant || l.Phase != tt.phase || !slices.Equal(l.names(), tt.names)) {
				t.Errorf("got %s %d %s %v, want %s", l.CaseID, l.Variant, l.Phase, l.names(), tt.phase)
			}
			if status != http.StatusOK && strings.Contains(raw, "Dataport") {
				t.Errorf("a refusal names the contacts: %s", raw)
			}
		})
	}
	if status, _ := ministry.Do("GET", "/v1/onboarding-cases/unbekannt/support-contacts", nil, nil); status != http.StatusNotFound {
		t.Errorf("contacts of an unknown case: %d", status)
	}

	// Removing needs the current version too.
	if status, raw := ministry.Do("DELETE", path+"?version=1", nil, nil); status != http.StatusConflict || !strings.Contains(raw, "zwischenzeitlich geändert") {
		t.Errorf("stale removal: %d %s", status, raw)
	}
	ministry.Must(http.StatusNoContent, "DELETE", path+"?version=2", nil, nil)
	for _, req := range [][2]string{{"GET", path}, {"DELETE", path + "?version=2"}} {
		if status, _ := ministry.Do(req[0], req[1], nil, nil); status != http.StatusNotFound {
			t.Errorf("%s after removal: %d", req[0], status)
		}
	}

	// Each change the ministry made is in the audit log, in its name; the
	// refused ones left no entry.
	entries, err := f.store.ListAudit(ctx, tenant.AuditFilter{ObjectType: onboarding.ObjSupportContact, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		switch e.ObjectID {
		case created.ID:
			if e.ActorLabel != "ministerium@demo.example" {
				t.Errorf("%s by %q", e.Action, e.ActorLabel)
			}
			actions = append(actions, e.Action)
		case nrw.ID:
			if e.Action != "create" {
				t.Errorf("a refused request changed the seeded contact: %s by %s", e.Action, e.ActorLabel)
			}
		}
	}
	if !slices.Equal(actions, []string{"delete", "update", "create"}) {
		t.Errorf("audit of the added contact (newest first): %v", actions)
	}
}

// TestSupportContactsOnlyTheMinistryChanges: the contacts belong to the
// whole Land, so a right to change them that an operator granted to a
// municipality's admins does not let them do it – as in the console.
func TestSupportContactsOnlyTheMinistryChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	var grants []authz.Rule
	for _, act := range []string{authz.Create, authz.Update, authz.Delete} {
		grants = append(grants, authz.Rule{Role: tenant.RoleMunicipalityAdmin, Obj: onboarding.ObjSupportContact, Act: act})
	}
	if err := authz.SyncRules(ctx, f.db.Write, grants); err != nil {
		t.Fatal(err)
	}
	if err := f.az.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	witt := f.as("wittenberg@demo.example")
	if !f.az.AllowedAnywhere(authz.Principal{UserID: f.user("wittenberg@demo.example")}, onboarding.ObjSupportContact, authz.Update) {
		t.Fatal("the operator's grant did not arrive: the test would prove nothing")
	}
	var l contactList
	witt.Must(http.StatusOK, "GET", "/v1/support-contacts", nil, &l)
	c := l.Items[0]
	one := "/v1/support-contacts/" + c.ID
	fields := map[string]any{"name": "Kreis-Support", "role": "x", "mailbox": "x@example.org"}
	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/v1/support-contacts", fields},
		{"PUT", one, map[string]any{"version": c.Version, "name": "Kreis-Support", "role": "x", "mailbox": "x@example.org"}},
		{"DELETE", one + fmt.Sprintf("?version=%d", c.Version), nil},
	} {
		if status, raw := witt.Do(req.method, req.path, req.body, nil); status != http.StatusForbidden || !strings.Contains(raw, "Ministerium") {
			t.Errorf("%s %s: %d %s", req.method, req.path, status, raw)
		}
	}
	witt.Must(http.StatusOK, "GET", "/v1/support-contacts", nil, &l)
	if !slices.Equal(l.names(), seedContacts) || l.Items[0].Version != c.Version {
		t.Errorf("contacts changed: %+v", l.Items)
	}
}

// caseOf returns the case of a Körperschaft (slug) for an Antragsstrecke.
func (f *fixture) caseOf(slug, antragsstrecke string) *onboarding.Case {
	f.t.Helper()
	cases, err := f.onboard.ListCases(context.Background(), f.tenant(slug).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for i := range cases {
		if cases[i].Antragsstrecke == antragsstrecke {
			return &cases[i]
		}
	}
	f.t.Fatalf("%s has no case for %s", slug, antragsstrecke)
	return nil
}

// user returns the ID of the demo account with the address.
func (f *fixture) user(email string) string {
	f.t.Helper()
	u, err := f.store.UserByEmail(context.Background(), email)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.ID
}
