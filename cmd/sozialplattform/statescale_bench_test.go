package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sozialplattform/cmd/sozialplattform/statescale"
	"sozialplattform/migrations"
	"sozialplattform/portal/counselling"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/portal/forms/handover"
	"sozialplattform/portal/www"
	"sozialplattform/tenant"
)

// BenchmarkStateScale measures the platform at the data volume of the
// whole Land (statescale "state": all Gemeinden, 30 Antragsstrecken each,
// 300,000 applications, 2,000 counselling entries) – with STATE_SCALE=state;
// without, at the "small" preset, so that `-bench .` stays quick. Run with
// TEST_DB=postgres for PostgreSQL. Sub-benchmarks report p50/p99 per
// console page, the counselling search, and the retention job purging
// the expired applications while citizens submit.
func BenchmarkStateScale(b *testing.B) {
	name := os.Getenv("STATE_SCALE")
	if name == "" {
		name = "small"
	}
	preset, ok := statescale.Presets[name]
	if !ok {
		b.Fatalf("STATE_SCALE=%s: no such preset", name)
	}
	a, srv := stateApp(b, preset)
	ctx := context.Background()
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		b.Fatal(err)
	}
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		b.Fatal(err)
	}
	ministry := consoleSession(b, srv.URL, "ministerium@demo.example")
	clerk := consoleSession(b, srv.URL, "sachbearbeitung.harz@demo.example")
	pages := []struct {
		name, path string
		c          *http.Client
	}{
		{"rollout-dashboard", "/admin/rollout", ministry},
		{"rollout-api", "/api/v1/rollout", ministry},
		{"start", "/admin/", ministry},
		{"tenant-page", "/admin/koerperschaften/" + land.ID, ministry},
		{"audit-log", "/admin/protokoll", ministry},
		{"orders", "/admin/marktplatz/bestellungen", ministry},
		{"onboarding-harz", "/admin/anbindung/" + harz.ID, ministry},
		{"rollout-service", "/admin/rollout/dienst/hzl", ministry},
		{"sprechstunden", "/admin/sprechstunden", ministry},
		{"deliveries-harz", "/admin/zustellung/" + harz.ID, ministry},
		{"counselling-console", "/admin/beratung/", ministry},
		{"applications-harz", "/admin/antraege/" + harz.ID, clerk},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var lat []time.Duration
			defer profile(b, p.name)()
			for b.Loop() {
				t0 := time.Now()
				resp, err := p.c.Get(srv.URL + p.path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %d", p.path, resp.StatusCode)
				}
				lat = append(lat, time.Since(t0))
			}
			reportLatencies(b, lat)
		})
	}
	magdeburg := counselling.Point{Lat: 52.1205, Lon: 11.6276}
	for _, q := range []struct {
		name string
		q    counselling.Query
	}{
		{"near", counselling.Query{Near: &magdeburg}},
		{"near+topic+language", counselling.Query{Near: &magdeburg, Topic: counselling.TopicDebt, Language: "ar"}},
		{"near+radius25", counselling.Query{Near: &magdeburg, RadiusKm: 25}},
		{"text", counselling.Query{Text: "Magdeburg"}},
	} {
		b.Run("counselling-search/"+q.name, func(b *testing.B) {
			var lat []time.Duration
			defer profile(b, "counselling-search-"+q.name)()
			for b.Loop() {
				t0 := time.Now()
				if _, err := a.counsel.Search(ctx, q.q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			reportLatencies(b, lat)
		})
	}
	// The purge happens once; the framework may call the function again
	// with a larger b.N, which then reports the same figures.
	var purgeOnce sync.Once
	var figures map[string]float64
	b.Run("retention-while-submitting", func(b *testing.B) {
		purgeOnce.Do(func() { figures = benchRetention(b, a, harz) })
		for unit, v := range figures {
			b.ReportMetric(v, unit)
		}
	})
}

// stateApp returns the application and its server on the Land's data.
// Without STATE_SCALE_DB it loads the demo data into a fresh database and
// generates the preset (87 s for "state" on SQLite). With it, it works on
// a copy of a database that holds them already, made once with
//
//	sozialplattform demo --db DSN --scale state [--data-key KEY]
//
// – for SQLite a copy of the file (and of the development key file
// data-key beside it), for PostgreSQL a new database created from the
// named one as template (the DSN names a database, not a schema; nobody
// may be connected to it). STATE_SCALE_DATA_KEY passes the --data-key the
// data were sealed with (on PostgreSQL required for the applications).
// The copy is dropped at the end; the retention sub-benchmark purges in
// it, never in the original.
func stateApp(b *testing.B, preset statescale.Scale) (*app, *httptest.Server) {
	ctx := context.Background()
	src := os.Getenv("STATE_SCALE_DB")
	if src == "" {
		a, srv := benchApp(b)
		if _, err := a.loadDemo(ctx); err != nil {
			b.Fatal(err)
		}
		res, err := a.generateScale(ctx, preset, b.Logf)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d tenants, %d cases, %d orders, %d applications, %d counselling entries in %v", preset.Name, res.Tenants, res.Cases,
			res.Orders, res.Applications, res.Counselling, res.Took.Round(time.Second))
		return a, srv
	}
	dsn := copyStateDB(b, src)
	return buildTestApp(b, func(c *config) {
		c.DB = dsn
		c.DataDir = migrations.DataFolder(dsn)
		c.Apps.DataKey = os.Getenv("STATE_SCALE_DATA_KEY")
	})
}

// copyStateDB copies the database src for one run and returns the copy's
// DSN.
func copyStateDB(b *testing.B, src string) string {
	t0 := time.Now()
	defer func() { b.Logf("copied %s in %v", src, time.Since(t0).Round(time.Millisecond)) }()
	if migrations.KindOf(src) != migrations.Postgres {
		dir := b.TempDir()
		dst := filepath.Join(dir, "land.sqlite")
		for _, f := range [][2]string{{src, dst}, {src + "-wal", dst + "-wal"},
			{filepath.Join(migrations.DataFolder(src), "data-key"), filepath.Join(dir, "data-key")}} {
			in, err := os.Open(f[0])
			if os.IsNotExist(err) && f[0] != src {
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			out, err := os.Create(f[1])
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.Copy(out, in)
			in.Close()
			if err := errors.Join(err, out.Close()); err != nil {
				b.Fatal(err)
			}
		}
		return dst
	}
	u, err := url.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.ContainsAny(name, `"/`) {
		b.Fatalf("STATE_SCALE_DB %s: name a database", src)
	}
	copyName := fmt.Sprintf("%s_bench_%d", name, time.Now().UnixNano())
	// Connected to the maintenance database: the template must have no
	// sessions.
	adminURL := *u
	adminURL.Path = "/postgres"
	admin, err := migrations.Open(context.Background(), adminURL.String(), migrations.Options{MaxOpenConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Write.ExecContext(context.Background(), fmt.Sprintf(`CREATE DATABASE %q TEMPLATE %q`, copyName, name)); err != nil {
		b.Fatalf("copy %s: %v", name, err)
	}
	b.Cleanup(func() {
		a, err := migrations.Open(context.Background(), adminURL.String(), migrations.Options{MaxOpenConns: 1})
		if err != nil {
			return
		}
		defer a.Close()
		a.Write.ExecContext(context.Background(), fmt.Sprintf(`DROP DATABASE %q WITH (FORCE)`, copyName)) //nolint:errcheck
	})
	cu := *u
	cu.Path = "/" + copyName
	return cu.String()
}

// benchRetention runs the retention job until every expired application
// is purged, while a citizen submits applications one after another;
// it reports the purge rate and the submissions' latencies.
func benchRetention(b *testing.B, a *app, harz *tenant.Tenant) map[string]float64 {
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Benchmark"})
	var due int
	if err := a.db.Read.NewRaw("SELECT count(*) FROM applications WHERE deleted_at IS NULL AND delete_after <= ?", time.Now()).Scan(ctx, &due); err != nil {
		b.Fatal(err)
	}
	acc := seedCitizen(b, a, "retention@example.org", harz.Slug)
	store, err := forms.NewStore(forms.Deps{DB: a.db, Keys: a.dataKeys, Registry: a.forms.Registry(), Tenants: a.store, Mailer: a.outbox,
		Outbox: handover.Outbox(a.enqueueDelivery), Options: forms.Options{Links: www.FormsLinks(a.cfg.BaseURL), MaxDrafts: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	in := forms.SubmitInput{CitizenID: acc, Email: "retention@example.org", Trust: forms.TrustNiedrig, Declarations: formstest.Declarations()}
	draft := func() string {
		d, err := store.CreateDraft(ctx, acc, harz.ID, "hzl", nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, st := range formstest.HzL() {
			if _, err := store.SaveStep(ctx, acc, d.ID, st.ID, st.Form, "de", nil); err != nil {
				b.Fatal(err)
			}
		}
		return d.ID
	}
	// Drafts are made before: only Submit is timed.
	drafts := make([]string, 0, 400)
	for range cap(drafts) {
		drafts = append(drafts, draft())
	}
	// Submissions alone first: the yardstick of what the purge adds.
	var alone []time.Duration
	for _, id := range drafts[:40] {
		t0 := time.Now()
		if _, err := store.Submit(ctx, id, in); err != nil {
			b.Fatal(err)
		}
		alone = append(alone, time.Since(t0))
	}
	drafts = drafts[40:]
	b.ResetTimer()
	var stop atomic.Bool
	var lat []time.Duration
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, id := range drafts {
			if stop.Load() {
				return
			}
			t0 := time.Now()
			if _, err := store.Submit(ctx, id, in); err != nil {
				b.Error(err)
				return
			}
			lat = append(lat, time.Since(t0))
		}
	}()
	start := time.Now()
	purged, runs := 0, 0
	for {
		res, err := a.forms.Cleanup(ctx)
		if err != nil {
			b.Fatal(err)
		}
		runs++
		purged += res.ApplicationsPurged
		if res.ApplicationsPurged == 0 {
			break
		}
	}
	took := time.Since(start)
	stop.Store(true)
	<-done
	if purged < due {
		b.Errorf("purged %d of %d due applications", purged, due)
	}
	figures := map[string]float64{"purged": float64(purged), "job-runs": float64(runs), "purge-s": took.Seconds(),
		"purged/s": float64(purged) / took.Seconds(), "submissions": float64(len(lat))}
	slices.Sort(alone)
	figures["alone-p50-ms"] = float64(alone[(len(alone)-1)/2].Microseconds()) / 1000
	figures["alone-max-ms"] = float64(alone[len(alone)-1].Microseconds()) / 1000
	slices.Sort(lat)
	if len(lat) > 0 {
		figures["submit-p50-ms"] = float64(lat[(len(lat)-1)/2].Microseconds()) / 1000
		figures["submit-p99-ms"] = float64(lat[(len(lat)-1)*99/100].Microseconds()) / 1000
		figures["submit-max-ms"] = float64(lat[len(lat)-1].Microseconds()) / 1000
	}
	b.Logf("%s: %d purged in %v over %d job runs; %d submissions meanwhile", a.db.Kind, purged, took, runs, len(lat))
	return figures
}

// profile measures the process's CPU time (user and system, all
// goroutines: server and client) over a sub-benchmark and reports it per
// operation – a figure that, unlike latency, hardly depends on what else
// runs on the machine. With STATE_SCALE_PROFILE=DIR it also writes a CPU
// profile per sub-benchmark to DIR/NAME.pprof. Call the returned function
// when the loop ends.
func profile(b *testing.B, name string) func() {
	var f *os.File
	if dir := os.Getenv("STATE_SCALE_PROFILE"); dir != "" {
		var err error
		if f, err = os.Create(filepath.Join(dir, name+".pprof")); err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := cpuTime()
	return func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		}
	}
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportLatencies reports p50 and p99 in milliseconds.
func reportLatencies(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	pct := func(p float64) float64 { return float64(s[int(float64(len(s)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// consoleSession logs a demo account in and returns a client holding the
// session cookie.
func consoleSession(b *testing.B, base, email string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	body, _ := json.Marshal(map[string]string{"email": email, "password": tenant.DemoPassword})
	resp, err := c.Post(base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("login %s: %d %s", email, resp.StatusCode, raw)
	}
	return c
}
