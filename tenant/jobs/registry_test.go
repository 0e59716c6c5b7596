package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant/clock"
)

func newRegistry(t *testing.T, db *migrations.DB, instance string, jobs ...Job) *Registry {
	t.Helper()
	r := NewRegistry(db, instance, nil)
	for _, j := range jobs {
		if err := r.Register(j); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { <-r.Stop().Done() })
	return r
}

func runs(t *testing.T, r *Registry, name string) []Run {
	t.Helper()
	got, err := r.Runs(context.Background(), name, 0)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTwoInstancesRunOneSlotOnce(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	for round := range 10 {
		name := fmt.Sprintf("bericht-%d", round)
		var count atomic.Int32
		job := Job{Name: name, Schedule: "@every 1h", Run: func(context.Context) error {
			count.Add(1)
			return nil
		}}
		a := newRegistry(t, db, "instanz-a", job)
		b := newRegistry(t, db, "instanz-b", job)

		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			ran   [2]bool
			errs  [2]error
		)
		for i, r := range []*Registry{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ran[i], errs[i] = r.runWithLease(ctx, r.jobs[name], r.jobs[name].minGap)
			}()
		}
		close(start)
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
		if count.Load() != 1 || ran[0] == ran[1] {
			t.Fatalf("round %d: job ran %d times (ran: %v)", round, count.Load(), ran)
		}
		got := runs(t, a, name)
		if len(got) != 1 || got[0].Status != RunOK || got[0].FinishedAt == nil {
			t.Fatalf("round %d: runs %+v", round, got)
		}
		if want := map[bool]string{true: "instanz-a", false: "instanz-b"}[ran[0]]; got[0].Instance != want {
			t.Errorf("round %d: run recorded for %s, want %s", round, got[0].Instance, want)
		}
	}
}

func TestLeaseBlocksWhileTheJobRunsAndTheGapAfterwards(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	var count atomic.Int32
	job := Job{Name: "import", Schedule: "@every 1h", Run: func(context.Context) error {
		if count.Add(1) == 1 {
			close(started)
			<-release
		}
		return nil
	}}
	a := newRegistry(t, db, "instanz-a", job)
	b := newRegistry(t, db, "instanz-b", job)

	done := make(chan error)
	go func() { done <- a.RunNow(ctx, "import") }()
	<-started
	if err := b.RunNow(ctx, "import"); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("RunNow while the job runs elsewhere: %v, want ErrAlreadyRunning", err)
	}
	if ran, err := b.runWithLease(ctx, b.jobs["import"], b.jobs["import"].minGap); ran || err != nil {
		t.Errorf("scheduled run while the job runs elsewhere: ran %v, %v", ran, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ran, err := b.runWithLease(ctx, b.jobs["import"], b.jobs["import"].minGap); ran || err != nil {
		t.Errorf("scheduled run right after a run: ran %v, %v; want skipped", ran, err)
	}
	if err := b.RunNow(ctx, "import"); err != nil {
		t.Errorf("RunNow right after a run: %v, want it to run", err)
	}
	if count.Load() != 2 {
		t.Errorf("job ran %d times, want 2", count.Load())
	}
}

func TestRunNowRecordsTheOutcome(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	tests := []struct {
		name       string
		run        func(context.Context) error
		wantStatus RunStatus
		wantError  string
	}{
		{"ok", func(context.Context) error { return nil }, RunOK, ""},
		{"error", func(context.Context) error { return errors.New("Quelle nicht erreichbar") }, RunError, "Quelle nicht erreichbar"},
		{"panic", func(context.Context) error { panic("boom") }, RunPanic, "panic: boom"},
		{"nil pointer", func(context.Context) error {
			var m map[string]int
			m["x"] = 1
			return nil
		}, RunPanic, "panic: assignment to entry in nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRegistry(t, db, "instanz-a", Job{Name: tt.name, Schedule: "@daily", Run: tt.run})
			before := time.Now().UTC().Add(-time.Second)
			err := r.RunNow(ctx, tt.name)
			if (err != nil) != (tt.wantError != "") || (err != nil && !strings.Contains(err.Error(), tt.wantError)) {
				t.Errorf("RunNow = %v, want error %q", err, tt.wantError)
			}
			got := runs(t, r, tt.name)
			if len(got) != 1 {
				t.Fatalf("%d runs recorded", len(got))
			}
			run := got[0]
			if run.Status != tt.wantStatus || run.Error != tt.wantError || run.Instance != "instanz-a" {
				t.Errorf("run %+v, want status %s, error %q", run, tt.wantStatus, tt.wantError)
			}
			if run.StartedAt.Before(before) || run.FinishedAt == nil || run.FinishedAt.Before(run.StartedAt) {
				t.Errorf("run times: started %s, finished %v", run.StartedAt, run.FinishedAt)
			}
			// The registry survives and the lease was released.
			if err := r.RunNow(ctx, tt.name); (err != nil) != (tt.wantError != "") {
				t.Errorf("second RunNow = %v", err)
			}
		})
	}
	r := newRegistry(t, db, "instanz-a")
	if err := r.RunNow(ctx, "gibt-es-nicht"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("RunNow of an unknown job: %v", err)
	}
}

func TestRegisterRejects(t *testing.T) {
	t.Parallel()
	noop := func(context.Context) error { return nil }
	tests := []struct {
		name string
		job  Job
	}{
		{"no name", Job{Schedule: "@daily", Run: noop}},
		{"no function", Job{Name: "x", Schedule: "@daily"}},
		{"empty schedule", Job{Name: "x", Run: noop}},
		{"prose", Job{Name: "x", Schedule: "jeden Tag", Run: noop}},
		{"minute out of range", Job{Name: "x", Schedule: "61 * * * *", Run: noop}},
		{"seconds field", Job{Name: "x", Schedule: "0 0 3 * * *", Run: noop}},
		{"unknown descriptor", Job{Name: "x", Schedule: "@fortnightly", Run: noop}},
		{"bad duration", Job{Name: "x", Schedule: "@every zehn", Run: noop}},
		{"never fires", Job{Name: "x", Schedule: "0 0 30 2 *", Run: noop}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := NewRegistry(nil, "i", nil).Register(tt.job); err == nil {
				t.Error("accepted")
			}
		})
	}
	r := NewRegistry(nil, "i", nil)
	if err := r.Register(Job{Name: "x", Schedule: "@hourly", Run: noop}); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(Job{Name: "x", Schedule: "@daily", Run: noop}); err == nil {
		t.Error("duplicate name accepted")
	}
}

func TestMinGapIsHalfThePeriodAtMostAnHour(t *testing.T) {
	t.Parallel()
	tests := []struct {
		schedule string
		want     time.Duration
	}{
		{"@every 10s", 5 * time.Second},
		{"@every 1s", 500 * time.Millisecond},
		{"*/10 * * * *", 5 * time.Minute},
		{"@hourly", 30 * time.Minute},
		{"0 3 * * *", time.Hour},
		{"CRON_TZ=UTC 0 3 * * 1", time.Hour},
	}
	for _, tt := range tests {
		r := NewRegistry(nil, "i", nil)
		if err := r.Register(Job{Name: "x", Schedule: tt.schedule, Run: func(context.Context) error { return nil }}); err != nil {
			t.Fatal(err)
		}
		if got := r.jobs["x"].minGap; got != tt.want {
			t.Errorf("%q: gap %s, want %s", tt.schedule, got, tt.want)
		}
	}
}

func TestJobsListsWhatIsRegistered(t *testing.T) {
	t.Parallel()
	r := NewRegistry(nil, "i", nil)
	noop := func(context.Context) error { return nil }
	for _, j := range []Job{
		{Name: "postausgang", Schedule: "@every 10s", Description: "Versendet wartende E-Mails.", Run: noop},
		{Name: "aufraeumen", Schedule: "0 3 * * *", Description: "Löscht abgelaufene Sitzungen.", Run: noop},
	} {
		if err := r.Register(j); err != nil {
			t.Fatal(err)
		}
	}
	got := r.Jobs()
	if len(got) != 2 || got[0].Name != "postausgang" || got[1].Name != "aufraeumen" {
		t.Fatalf("jobs %+v", got)
	}
	if got[1].Description != "Löscht abgelaufene Sitzungen." || got[1].Schedule != "0 3 * * *" {
		t.Errorf("job info %+v", got[1])
	}
	berlin := clock.Berlin()
	if n := got[1].NextRun.In(berlin); !n.After(time.Now()) || n.Hour() != 3 || n.Minute() != 0 {
		t.Errorf("next run of the 3 o'clock job: %s", n)
	}
}

func TestStartRunsScheduledJobsAndStopWaits(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var count atomic.Int32
	r := newRegistry(t, db, "instanz-a", Job{Name: "tick", Schedule: "@every 1s", Run: func(ctx context.Context) error {
		count.Add(1)
		return nil
	}})
	r.Start(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for count.Load() == 0 || len(runs(t, r, "tick")) == 0 || runs(t, r, "tick")[0].Status != RunOK {
		if time.Now().After(deadline) {
			t.Fatalf("the @every 1s job did not run within 5 s (ran %d times)", count.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case <-r.Stop().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not finish")
	}
	if err := r.RunNow(context.Background(), "tick"); !errors.Is(err, ErrStopped) {
		t.Errorf("RunNow after Stop: %v, want ErrStopped", err)
	}
}

func TestStopWaitsForARunningJob(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	started, release := make(chan struct{}), make(chan struct{})
	r := newRegistry(t, db, "instanz-a", Job{Name: "lang", Schedule: "@daily", Run: func(context.Context) error {
		close(started)
		<-release
		return nil
	}})
	done := make(chan error)
	go func() { done <- r.RunNow(context.Background(), "lang") }()
	<-started
	stopped := r.Stop()
	select {
	case <-stopped.Done():
		t.Fatal("Stop finished while a job still runs")
	default:
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not finish after the job ended")
	}
}

func TestEverySchedulesAreAlignedToTheClock(t *testing.T) {
	t.Parallel()
	r := NewRegistry(nil, "i", nil)
	if err := r.Register(Job{Name: "x", Schedule: "@every 10s", Run: func(context.Context) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
	for _, offset := range []time.Duration{0, 3 * time.Second, 9*time.Second + 999*time.Millisecond} {
		// Two instances that started at different moments agree on the slot.
		if got, want := r.jobs["x"].schedule.Next(base.Add(offset)), base.Add(10*time.Second); !got.Equal(want) {
			t.Errorf("Next(+%s) = %s, want %s", offset, got, want)
		}
	}
}
