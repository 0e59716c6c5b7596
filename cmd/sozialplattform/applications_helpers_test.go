package main

import (
	"context"
	"testing"

	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/portal/www"
	"sozialplattform/tenant"
)

// applicationObjects are a submitted HzL application of a municipality
// and the citizen who sent it.
type applicationObjects struct {
	applicationID, citizenID, email string
}

func (o applicationObjects) replacements() []string {
	return []string{"{applicationId}", o.applicationID}
}

// applicationContent marks the operations that show what citizens applied
// for: the ministry gets counts only.
func applicationContent(op operation) bool { return op.access.Obj == forms.ObjApplication }

// seedApplications registers a citizen and submits a complete HzL
// application to the tenant, through a store that takes every
// Antragsstrecke as live and writes no delivery entry.
func seedApplications(t testing.TB, a *app, tt *tenant.Tenant) applicationObjects {
	t.Helper()
	ctx := context.Background()
	email := "buerger-" + tt.Slug + "@example.org"
	token, err := a.citizens.Register(ctx, email, "ein-sicheres-passwort", "Erika Muster", tt.Slug)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := a.citizens.Confirm(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	store, err := forms.NewStore(forms.Deps{DB: a.db, Keys: a.dataKeys, Registry: a.forms.Registry(), Tenants: a.store, Mailer: a.outbox,
		Options: forms.Options{Links: www.FormsLinks(a.cfg.BaseURL)}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := store.CreateDraft(ctx, acc.ID, tt.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range formstest.HzL() {
		res, err := store.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil)
		if err != nil || len(res.Problems.Errors()) > 0 {
			t.Fatalf("step %s: %v %+v", st.ID, err, res)
		}
	}
	rc, err := store.Submit(ctx, d.ID, forms.SubmitInput{CitizenID: acc.ID, Email: email, Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()})
	if err != nil {
		t.Fatal(err)
	}
	return applicationObjects{applicationID: rc.ApplicationID, citizenID: acc.ID, email: email}
}
