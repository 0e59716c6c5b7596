package jobs

import (
	"context"
	"testing"
	"time"

	"sozialplattform/migrations/testdb"
)

// A process killed during a run leaves its lease and a run "running".
// ReleaseDead frees the lease of a dead holder only, closes its run as
// crashed, and the last start still keeps the slot from running twice.
func TestReleaseDeadFreesOnlyDeadHolders(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	dead := newRegistry(t, db, "host-101")
	alive := newRegistry(t, db, "host-102")
	for _, c := range []struct {
		r    *Registry
		name string
	}{{dead, "bericht"}, {alive, "erinnerung"}} {
		if ok, err := c.r.claim(ctx, c.name, 0); err != nil || !ok {
			t.Fatalf("claim %s: %v %v", c.name, ok, err)
		}
		if _, err := db.Write.NewInsert().Model(&Run{Name: c.name, Instance: c.r.instance, StartedAt: time.Now().UTC(), Status: RunRunning}).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	restarted := newRegistry(t, db, "host-103")
	freed, err := restarted.ReleaseDead(ctx, func(instance string) bool { return instance == "host-101" })
	if err != nil || freed != 1 {
		t.Fatalf("freed %d leases (%v), want 1", freed, err)
	}
	if got := runs(t, restarted, "bericht"); len(got) != 1 || got[0].Status != RunPanic || got[0].FinishedAt == nil {
		t.Errorf("run of the dead process: %+v", got)
	}
	if got := runs(t, restarted, "erinnerung"); len(got) != 1 || got[0].Status != RunRunning {
		t.Errorf("run of the live process was touched: %+v", got)
	}
	// The slot that started stays taken; an explicit run may go now.
	if ok, _ := restarted.claim(ctx, "bericht", time.Hour); ok {
		t.Error("the crashed slot ran again")
	}
	if ok, _ := restarted.claim(ctx, "bericht", 0); !ok {
		t.Error("the freed lease could not be taken")
	}
	if ok, _ := restarted.claim(ctx, "erinnerung", 0); ok {
		t.Error("the live holder's lease was taken")
	}
}
