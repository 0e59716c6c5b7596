package forms_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
)

// TestOnlyADraftIsDeleted: a citizen deletes a draft; once its submission
// has begun (the application is reserved, the delivery not yet written)
// it is no longer a draft and is kept; once submitted, the draft's
// address finds its receipt – for its owner only.
func TestOnlyADraftIsDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	in := forms.SubmitInput{CitizenID: f.citizen, Email: "erika@example.org", Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()}

	d1, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteDraft(ctx, f.citizen, d1.ID); err != nil {
		t.Fatalf("deleting a draft: %v", err)
	}
	if _, err := f.store.Draft(ctx, f.citizen, d1.ID); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("deleted draft still there: %v", err)
	}

	d2, err := f.store.CreateDraft(ctx, f.citizen, f.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	f.fill(t, d2.ID)
	// A submission that stops after the reservation (the delivery outbox
	// fails) leaves the application pending.
	reg, _ := forms.Load()
	failing, err := forms.NewStore(forms.Deps{DB: f.db, Keys: f.keys, Registry: reg, Tenants: f.tenants, Mailer: f.outbox,
		Outbox:  func(context.Context, bun.IDB, forms.Delivery) (string, error) { return "", errors.New("outbox down") },
		Options: forms.Options{Now: f.clock.Now}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := failing.Submit(ctx, d2.ID, in); err == nil {
		t.Fatal("submission with a failing outbox succeeded")
	}
	if err := f.store.DeleteDraft(ctx, f.citizen, d2.ID); !errors.Is(err, forms.ErrSubmitting) {
		t.Errorf("deleting a draft being submitted: %v, want ErrSubmitting", err)
	}
	if rc, err := f.store.SubmittedDraft(ctx, f.citizen, d2.ID); err != nil || rc != nil {
		t.Errorf("pending submission has a receipt: %+v %v", rc, err)
	}
	// The next attempt completes it; the draft is gone, its address
	// finds the receipt.
	rc, err := f.store.Submit(ctx, d2.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteDraft(ctx, f.citizen, d2.ID); !errors.Is(err, forms.ErrNotFound) {
		t.Errorf("deleting a submitted draft: %v, want ErrNotFound", err)
	}
	got, err := f.store.SubmittedDraft(ctx, f.citizen, d2.ID)
	if err != nil || got == nil || got.ApplicationID != rc.ApplicationID {
		t.Errorf("receipt of the submitted draft: %+v %v, want %s", got, err, rc.ApplicationID)
	}
	other := f.newCitizen(t, "max@example.org")
	if got, err := f.store.SubmittedDraft(ctx, other, d2.ID); err != nil || got != nil {
		t.Errorf("another citizen finds the receipt: %+v %v", got, err)
	}
	if got, err := f.store.SubmittedDraft(ctx, f.citizen, d1.ID); err != nil || got != nil {
		t.Errorf("a deleted draft has a receipt: %+v %v", got, err)
	}
}
