package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant"
)

// Kill moments both crash tests know; each transport adds its own.
const (
	killSubmitSent    = "submit-sent"    // right after a citizen's submit request went out
	killSubmitWorking = "submit-working" // a few milliseconds later, while the server works on it
	killRandom        = "random"
)

// minCrashReceipts is the number of receipts below which a crash run
// shows too little to pass.
const minCrashReceipts = 15

// crashDataKey is the data key of the crash tests' databases and servers.
const crashDataKey = "crash:QUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUJDQUI="

// crashSeed is the seed of a crash test's kill schedule and faults: the
// clock's, or CRASH_TEST_SEED to repeat a run.
func crashSeed(t *testing.T) (uint64, *rand.Rand) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CRASH_TEST_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (CRASH_TEST_SEED to repeat the kill schedule), database %s", seed, testdb.Kind())
	return seed, rand.New(rand.NewPCG(seed, seed^0x5eed))
}

// crashVariant is what one crash test sets for the shared run: the
// transport of Harz's HzL and the kills aimed at it.
type crashVariant struct {
	// citizens are the e-mail addresses of the citizens who apply.
	citizens []string
	// seed prepares the transport in a seeded database (Harz's HzL
	// routed to the test's endpoint) after the demo is loaded.
	seed func(ctx context.Context, a *app, harz *tenant.Tenant)
	// env is the server's environment beside data key and log level.
	env map[string]string
	// kinds are the kill moments in the order before shuffling; phase
	// is the load phase they share, one kill in each slot.
	kinds []string
	phase time.Duration
	// transportKills arms the switch of a transport's own kill kind.
	transportKills map[string]*killSwitch
	// handedOver are the delivery statuses that count as handed over
	// in the drain; faults sets the endpoint's fault rate (0 to drain).
	handedOver []string
	faults     func(rate float64)
}

// crashKill is one kill of the server and what it left behind.
type crashKill struct {
	kind             string
	at, restart      time.Duration
	hit              bool  // the switch of its kind fired: the kill hit the aimed moment
	jobs, deliveries int64 // leases of the killed process, released at the restart
	pending          int   // reserved applications the kill left unfinished
}

// crashRun is the outcome of runCrash for the test's own reconciliation.
type crashRun struct {
	db                  *migrations.DB
	receipts            []crashReceipt
	kills               []crashKill
	counters            *crashCounters
	loadTook, drainTook time.Duration
}

// runCrash is the load-and-kill loop both crash tests share: it seeds the
// database, runs the server as a child process, lets the citizens submit
// HzL applications at a steady rate while it kills the server once in
// each slot of the load phase (kinds shuffled by rng, at random moments)
// and restarts it on the same database (on a port of its own, which the
// clients follow: see childProcess), checks after every restart that the
// killed process's leases are freed, lets the load go on past the phase
// while the citizens hold fewer than minCrashReceipts receipts (a slow,
// busy machine), and then drains the outbox without faults, pulling the
// retries forward. It fails the test
// on a client error, a delivery that ended failed or rejected, an outbox
// not drained within a minute, or fewer kills than kinds, fewer than 15
// receipts or no kill that hit a submit in flight (a vacuous run).
func runCrash(t *testing.T, rng *rand.Rand, submitKill *killSwitch, v crashVariant) crashRun {
	t.Helper()
	dsn := testdb.DSN(t)
	seedCrashDatabase(t, dsn, crashDataKey, v.citizens, v.seed)
	db, err := migrations.Open(context.Background(), dsn, migrations.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	env := map[string]string{"SOZIALPLATTFORM_DATA_KEY": crashDataKey, "SOZIALPLATTFORM_LOG_LEVEL": "warn"}
	for k, val := range v.env {
		env[k] = val
	}
	child := newChildProcess(t, []string{"serve", "--db", dsn}, env)
	t.Cleanup(func() {
		if err := child.stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("output of the server processes:\n%s", child.tail(12000))
		}
	})
	if _, err := child.start(); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run := crashRun{db: db, counters: &crashCounters{}}
	var browsers []*citizenBrowser
	for _, email := range v.citizens {
		b := newCitizenBrowser(child.base, "/landkreis-harz", submitKill, run.counters)
		if err := b.login(ctx, email, "ein-sicheres-passwort"); err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		browsers = append(browsers, b)
	}

	// Load: every citizen starts an application every 800 ms (two
	// together one every 400 ms), until stop.
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	stop := make(chan struct{})
	for _, b := range browsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			const every = 800 * time.Millisecond
			next := time.Now()
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case <-time.After(time.Until(next)):
				}
				if next = next.Add(every); next.Before(time.Now()) {
					next = time.Now() // behind after a restart: no burst to catch up
				}
				rc, err := b.apply(ctx)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else if rc != nil {
					run.receipts = append(run.receipts, *rc)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}

	// Kills: one in each slot of the load phase, in random order of
	// kinds and at random moments.
	kinds := slices.Clone(v.kinds)
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	slot := v.phase / time.Duration(len(kinds))
	loadStart, lastUp := time.Now(), time.Now()
	for i, kind := range kinds {
		at := loadStart.Add(time.Duration(i)*slot + time.Second + time.Duration(rng.Int64N(int64(slot-2*time.Second))))
		if earliest := lastUp.Add(time.Second); at.Before(earliest) {
			at = earliest
		}
		time.Sleep(time.Until(at))
		var done chan struct{}
		switch kind {
		case killSubmitSent:
			done = submitKill.await(8 * time.Second)
		case killSubmitWorking:
			if done = submitKill.await(8 * time.Second); done != nil {
				time.Sleep(3*time.Millisecond + time.Duration(rng.Int64N(int64(9*time.Millisecond))))
			}
		case killRandom:
		default:
			sw, ok := v.transportKills[kind]
			if !ok {
				cancel()
				t.Fatalf("kill kind %q has no switch", kind)
			}
			done = sw.await(12 * time.Second)
		}
		k := crashKill{kind: kind, at: time.Since(loadStart), hit: done != nil}
		dead := child.instance()
		err := child.kill()
		if done != nil {
			close(done)
		}
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if k.jobs, k.deliveries, err = heldLeases(db, dead); err != nil {
			cancel()
			t.Fatal(err)
		}
		if k.pending, err = pendingApplications(db); err != nil {
			cancel()
			t.Fatal(err)
		}
		took, err := child.start()
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if jobs, deliveries, err := heldLeases(db, dead); err != nil || jobs+deliveries > 0 {
			cancel()
			t.Fatalf("the restart left %d job and %d delivery leases of the killed process (%v)", jobs, deliveries, err)
		}
		k.restart, lastUp = took, time.Now()
		run.kills = append(run.kills, k)
		t.Logf("kill %d (%s) at %s: hook fired %v; left behind: %d job lease, %d delivery leases, %d unfinished applications; restarted in %s",
			i+1, kind, k.at.Round(time.Millisecond), k.hit, k.jobs, k.deliveries, k.pending, took.Round(time.Millisecond))
	}
	end := loadStart.Add(v.phase + time.Second)
	if after := lastUp.Add(3 * time.Second); end.Before(after) {
		end = after // some applications go through after the last restart
	}
	time.Sleep(time.Until(end))
	// On a busy machine the server answers slowly: the load goes on past
	// the phase until the citizens hold enough receipts to show something
	// (or a client failed), for at most two minutes more.
	for more := time.Now().Add(2 * time.Minute); time.Now().Before(more); time.Sleep(200 * time.Millisecond) {
		mu.Lock()
		enough := len(run.receipts) >= minCrashReceipts || len(errs) > 0
		mu.Unlock()
		if enough {
			break
		}
	}
	close(stop)
	wg.Wait()
	run.loadTook = time.Since(loadStart)
	if len(errs) > 0 {
		t.Fatalf("the citizens' clients failed: %v", errs)
	}

	// Drain: no more faults; retries are pulled forward.
	v.faults(0)
	drainStart := time.Now()
	want := map[string]bool{}
	for _, rc := range run.receipts {
		want[rc.ApplicationID] = true
	}
	for {
		if _, err := pullRetriesForward(db); err != nil {
			t.Fatal(err)
		}
		rows, err := deliveryRows(db)
		if err != nil {
			t.Fatal(err)
		}
		handedOver := 0
		for _, r := range rows {
			switch {
			case slices.Contains(v.handedOver, r.Status):
				if want[r.ApplicationID] {
					handedOver++
				}
			case r.Status == delivery.StatusFailed || r.Status == delivery.StatusRejected:
				t.Fatalf("delivery %s of application %s ended %s after %d attempts: %s", r.ID, r.ApplicationID, r.Status, r.Attempts, r.LastError)
			}
		}
		if handedOver >= len(want) {
			break
		}
		if time.Since(drainStart) > time.Minute {
			t.Fatalf("outbox not drained within a minute: %d of %d receipts handed over", handedOver, len(want))
		}
		if !child.alive() {
			t.Fatal("the server ended by itself during the drain")
		}
		time.Sleep(300 * time.Millisecond)
	}
	run.drainTook = time.Since(drainStart)
	if err := child.stop(); err != nil {
		t.Errorf("after the crashes: %v", err)
	}

	if n := len(run.receipts); n < minCrashReceipts {
		t.Errorf("only %d receipts: too few to show anything", n)
	}
	if len(run.kills) != len(kinds) {
		t.Errorf("%d kills, want %d", len(run.kills), len(kinds))
	}
	if run.counters.submitKilled.Load() == 0 {
		t.Error("no kill hit a citizen's submit in flight: the test would pass vacuously")
	}
	return run
}

// aimed counts the kills that hit their aimed moment.
func (r crashRun) aimed() int {
	n := 0
	for _, k := range r.kills {
		if k.hit {
			n++
		}
	}
	return n
}

// leftBehind sums what the kills left: job and delivery leases (released
// at restart) and reserved applications left unfinished.
func (r crashRun) leftBehind() (jobs, deliveries int64, unfinished int) {
	for _, k := range r.kills {
		jobs += k.jobs
		deliveries += k.deliveries
		unfinished += k.pending
	}
	return jobs, deliveries, unfinished
}

// seedCrashDatabase prepares, in this process, the database the children
// run on: the demo's tenants, marketplace and onboarding (Landkreis Harz
// live with HzL), Harz's HzL routed by route to the test's transport, and
// confirmed citizens. The children do not run with --demo, which would
// start demo transports in place of the configured ones.
func seedCrashDatabase(t *testing.T, dsn, dataKey string, citizens []string, route func(context.Context, *app, *tenant.Tenant)) {
	t.Helper()
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Crashtest"})
	cfg, _, err := parseConfig("crash-seed", []string{"--db", dsn, "--data-key", dataKey}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if _, err := a.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	if live, err := a.onboard.LiveAntragsstrecken(ctx, harz.ID); err != nil || !slices.Contains(live, "hzl") {
		t.Fatalf("HzL of Landkreis Harz not live: %v %v", live, err)
	}
	route(ctx, a, harz)
	for _, email := range citizens {
		seedCitizen(t, a, email, "landkreis-harz")
	}
}
