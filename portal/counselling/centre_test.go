package counselling_test

import (
	"context"
	"errors"
	"testing"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

func TestCreateMakesOrganisationAndPublishes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "harz@example.org"})
	c, err := f.store.Create(ctx, counselling.CreateInput{ParentID: f.byKey["15085"].ID, Entry: entry("Schuldnerberatung Harz", 51.89, 11.05)})
	if err != nil {
		t.Fatal(err)
	}
	org, err := f.tenants.GetTenant(ctx, c.ID)
	if err != nil || org.Kind != tenant.KindOrganisation || org.Parent() != f.byKey["15085"].ID || org.Slug != "schuldnerberatung-harz" {
		t.Fatalf("organisation: %+v, %v", org, err)
	}
	if c.State != counselling.StatePublished || c.PublishedVersion == nil || *c.PublishedVersion != 1 || c.VerifiedOn == nil {
		t.Errorf("centre: %+v", c)
	}
	// A second centre of the same name gets its own slug.
	c2, err := f.store.Create(ctx, counselling.CreateInput{ParentID: f.byKey["15085"].ID, Entry: entry("Schuldnerberatung Harz", 51.8, 11.1)})
	if err != nil {
		t.Fatal(err)
	}
	if org2, _ := f.tenants.GetTenant(ctx, c2.ID); org2.Slug != "schuldnerberatung-harz-2" {
		t.Errorf("slug of the second: %s", org2.Slug)
	}
	// Not below an organisation, and nothing half-saved when the entry is invalid.
	bad := entry("Kaputt", 91, 11)
	if _, err := f.store.Create(ctx, counselling.CreateInput{ParentID: f.byKey["15085"].ID, Entry: bad}); err == nil {
		t.Fatal("invalid coordinates accepted")
	}
	if _, err := f.tenants.ResolveTenant(ctx, "kaputt"); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("organisation of a refused centre exists: %v", err)
	}
	if _, err := f.store.Create(ctx, counselling.CreateInput{ParentID: c.ID, Entry: entry("Unter einer Beratungsstelle", 51.8, 11.1)}); err == nil {
		t.Error("centre below an organisation accepted")
	}
	if _, err := f.store.Create(ctx, counselling.CreateInput{TenantID: c.ID, Entry: entry("Doppelt", 51.8, 11.1)}); !errors.Is(err, tenant.ErrConflict) {
		t.Errorf("second entry for an organisation: %v", err)
	}
}

func TestUpdateVersionsAndReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, "15085", entry("Suchtberatung Harz", 51.79, 11.15, "suchtberatung"))
	editor := tenant.WithActor(ctx, tenant.Actor{ID: "user:e", Label: "redaktion@beratung.example"})

	// Without review a change is published at once.
	e := c.Entry
	e.Phone = "03946 555-0"
	c, err := f.store.Update(editor, c.ID, counselling.UpdateInput{Version: c.Version, Entry: e})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != counselling.StatePublished || *c.PublishedVersion != 2 {
		t.Fatalf("after update: %+v", c)
	}
	pub, err := f.store.GetPublic(ctx, c.ID)
	if err != nil || pub.Phone != "03946 555-0" {
		t.Fatalf("public: %+v %v", pub, err)
	}
	// Stale version and unchanged data are refused.
	if _, err := f.store.Update(editor, c.ID, counselling.UpdateInput{Version: 1, Entry: e}); !errors.Is(err, tenant.ErrStaleVersion) {
		t.Errorf("stale version: %v", err)
	}
	if _, err := f.store.Update(editor, c.ID, counselling.UpdateInput{Entry: e}); !errors.Is(err, counselling.ErrUnchanged) {
		t.Errorf("unchanged: %v", err)
	}

	// With review on, the public keeps the old version until approval.
	if _, err := f.store.SetReviewRequired(ctx, true); err != nil {
		t.Fatal(err)
	}
	e.Phone = "03946 555-1"
	c, err = f.store.Update(editor, c.ID, counselling.UpdateInput{Entry: e})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != counselling.StatePending || *c.PendingVersion != 3 || *c.PublishedVersion != 2 {
		t.Fatalf("waiting: %+v", c)
	}
	if pub, _ := f.store.GetPublic(ctx, c.ID); pub.Phone != "03946 555-0" {
		t.Errorf("public shows the waiting change: %s", pub.Phone)
	}
	if m := f.mails(t, counselling.MailReviewRequest); len(m) != 1 || m[0].To != "amt-15@example.org" {
		t.Errorf("review request mails: %+v", m)
	}
	// A newer change replaces the waiting one.
	e.Phone = "03946 555-2"
	c, err = f.store.Update(editor, c.ID, counselling.UpdateInput{Entry: e})
	if err != nil || *c.PendingVersion != 4 {
		t.Fatalf("second change: %+v %v", c, err)
	}
	if _, err := f.store.Review(ctx, c.ID, 3, true, ""); !errors.Is(err, counselling.ErrNotPending) {
		t.Errorf("review of the replaced version: %v", err)
	}
	// Rejection needs a reason and keeps the public entry.
	if _, err := f.store.Review(ctx, c.ID, 4, false, " "); err == nil {
		t.Error("rejection without reason accepted")
	}
	redaktion := tenant.WithActor(ctx, tenant.Actor{ID: "user:m", Label: "landesredaktion@example.org"})
	c, err = f.store.Review(redaktion, c.ID, 4, false, "Die Nummer ist nicht erreichbar.")
	if err != nil {
		t.Fatal(err)
	}
	if c.State != counselling.StateRejected || c.Review == nil || c.Review.Comment != "Die Nummer ist nicht erreichbar." || c.PendingVersion != nil {
		t.Fatalf("rejected: %+v", c)
	}
	if pub, _ := f.store.GetPublic(ctx, c.ID); pub.Phone != "03946 555-0" {
		t.Errorf("public after rejection: %s", pub.Phone)
	}
	// Resubmitted and approved.
	e.Phone = "03946 555-3"
	c, err = f.store.Update(editor, c.ID, counselling.UpdateInput{Entry: e})
	if err != nil {
		t.Fatal(err)
	}
	c, err = f.store.Review(redaktion, c.ID, 5, true, "")
	if err != nil || c.State != counselling.StatePublished || *c.PublishedVersion != 5 {
		t.Fatalf("approved: %+v %v", c, err)
	}
	if pub, _ := f.store.GetPublic(ctx, c.ID); pub.Phone != "03946 555-3" {
		t.Errorf("public after approval: %s", pub.Phone)
	}
	if m := f.mails(t, counselling.MailReviewResult); len(m) != 2 {
		t.Errorf("review result mails: %d", len(m))
	}

	// The history tells who changed what.
	vs, err := f.store.Versions(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	states := ""
	for _, v := range vs {
		states += v.State + " "
	}
	if states != "published rejected withdrawn published published " {
		t.Errorf("states: %s", states)
	}
	if !vs[0].Current || vs[0].AuthorLabel != "redaktion@beratung.example" || vs[0].ReviewerLabel != "landesredaktion@example.org" ||
		len(vs[0].Changes) != 1 || vs[0].Changes[0].Label != "Telefon" || vs[0].Changes[0].Before != "03946 555-2" {
		t.Errorf("newest version: %+v", vs[0])
	}
	if vs[1].ReviewComment != "Die Nummer ist nicht erreichbar." {
		t.Errorf("rejected version: %+v", vs[1])
	}

	// The Landesredaktion's own change skips the review.
	e.Phone = "03946 555-4"
	c, err = f.store.Update(redaktion, c.ID, counselling.UpdateInput{Entry: e, Direct: true})
	if err != nil || c.State != counselling.StatePublished {
		t.Fatalf("direct: %+v %v", c, err)
	}
	pending, err := f.store.List(ctx, counselling.ListFilter{State: counselling.StatePending})
	if err != nil || len(pending) != 0 {
		t.Errorf("pending list: %d %v", len(pending), err)
	}
}

func TestDeactivatedTopicStaysOnEntry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, "15085", entry("Seniorenberatung", 51.79, 11.15, "seniorenberatung"))
	if _, err := f.store.SaveTopic(ctx, counselling.TopicInput{Key: "seniorenberatung", Label: "Seniorenberatung", Position: 80, Active: false}); err != nil {
		t.Fatal(err)
	}
	e := c.Entry
	e.Phone = "0391 1"
	if _, err := f.store.Update(ctx, c.ID, counselling.UpdateInput{Entry: e}); err != nil {
		t.Fatalf("entry with a deactivated topic: %v", err)
	}
	if _, err := f.store.Create(ctx, counselling.CreateInput{ParentID: f.byKey["15085"].ID, Entry: entry("Neu", 51.8, 11.1, "seniorenberatung")}); err == nil {
		t.Error("new entry with a deactivated topic accepted")
	}
	// The ministry extends the taxonomy.
	if _, err := f.store.SaveTopic(ctx, counselling.TopicInput{Key: "gluecksspiel", Label: "Glücksspielberatung", Position: 25, Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Create(ctx, counselling.CreateInput{ParentID: f.byKey["15085"].ID, Entry: entry("Spielsucht", 51.8, 11.1, "gluecksspiel")}); err != nil {
		t.Errorf("new topic: %v", err)
	}
	if _, err := f.store.SaveTopic(ctx, counselling.TopicInput{Key: "Bad Key", Label: ""}); err == nil {
		t.Error("bad topic accepted")
	}
}

func TestVerifyAndStaleness(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	c := f.create(t, "15085", entry("Beratung Alt", 51.79, 11.15))
	other := f.create(t, "15091", entry("Beratung Frisch", 51.86, 12.64))
	if _, err := f.tenants.CreateUser(ctx, tenant.NewUserInput{Email: "redaktion@alt.example", Name: "Redaktion", Password: "ein-langes-test-passwort",
		TenantID: c.ID, Role: tenant.RoleCounsellingEditor}); err != nil {
		t.Fatal(err)
	}

	// Five months on: nothing due.
	f.clock.Set(seedNow.AddDate(0, 5, 0))
	if n, err := f.store.RemindStale(ctx); err != nil || n != 0 {
		t.Fatalf("after five months: %d %v", n, err)
	}
	// The fresh one is confirmed; seven months on, only the old one is due.
	if _, err := f.store.Verify(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(seedNow.AddDate(0, 7, 0))
	if n, err := f.store.RemindStale(ctx); err != nil || n != 1 {
		t.Fatalf("after seven months: %d %v", n, err)
	}
	ms := f.mails(t, counselling.MailStale)
	if len(ms) != 1 || ms[0].To != "redaktion@alt.example" {
		t.Fatalf("reminders: %+v", ms)
	}
	// Not again the next day; again after the repeat period.
	f.clock.Set(seedNow.AddDate(0, 7, 1))
	if n, _ := f.store.RemindStale(ctx); n != 0 {
		t.Errorf("reminded twice in a row")
	}
	f.clock.Set(seedNow.AddDate(0, 8, 2))
	if n, _ := f.store.RemindStale(ctx); n != 1 {
		t.Errorf("no repeat after a month")
	}
	// Thirteen months on: outdated in the portal and in the list.
	f.clock.Set(seedNow.AddDate(1, 1, 0))
	pub, err := f.store.GetPublic(ctx, c.ID)
	if err != nil || !pub.PossiblyOutdated {
		t.Fatalf("public after 13 months: %+v %v", pub, err)
	}
	if pub, _ := f.store.GetPublic(ctx, other.ID); pub.PossiblyOutdated {
		t.Error("verified entry shown as outdated")
	}
	list, err := f.store.List(ctx, counselling.ListFilter{Outdated: true})
	if err != nil || len(list) != 1 || list[0].ID != c.ID || !list[0].Outdated {
		t.Fatalf("outdated list: %+v %v", list, err)
	}
	// Confirming ends it.
	if _, err := f.store.Verify(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if pub, _ := f.store.GetPublic(ctx, c.ID); pub.PossiblyOutdated {
		t.Error("still outdated after verification")
	}
	if list, _ := f.store.List(ctx, counselling.ListFilter{Outdated: true}); len(list) != 0 {
		t.Errorf("outdated list after verification: %d", len(list))
	}
}

func TestDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// The demo needs the core's demo tenants.
	for _, k := range []string{"15001", "15084", "15089", "15090"} {
		key := k
		if err := f.tenants.CreateTenant(ctx, &tenant.Tenant{Kind: tenant.KindKreisfreieStadt, Name: "Kreis " + k, OfficialKey: &key, ParentID: &f.land.ID, Active: true}); err != nil {
			if k == "15001" {
				t.Fatal(err)
			}
			lk := tenant.KindLandkreis
			if err := f.tenants.CreateTenant(ctx, &tenant.Tenant{Kind: lk, Name: "Kreis " + k, OfficialKey: &key, ParentID: &f.land.ID, Active: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	d1, err := f.store.LoadDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := f.store.LoadDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.store.List(ctx, counselling.ListFilter{})
	if err != nil || len(all) != 13 {
		t.Fatalf("demo centres: %d %v", len(all), err)
	}
	if len(d1.CalendarTenants) != 3 || len(d2.CalendarTenants) != 3 || len(d1.Logins) != 1 {
		t.Errorf("demo: %+v / %+v", d1, d2)
	}
	if outdated, _ := f.store.List(ctx, counselling.ListFilter{Outdated: true}); len(outdated) != 1 {
		t.Errorf("outdated demo centres: %d", len(outdated))
	}
}
