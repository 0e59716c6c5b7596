package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// options are the command's flags.
type options struct {
	target    string   // the first instance: setup (login, drafts) runs here
	instances []string // every instance the attack spreads over, target first
	duration  time.Duration
	rate      int
	workers   int
	scenarios []string
	email     string
	password  string
	citizen   string
	apps      int
}

const maxDuration = 2 * time.Minute

func parseOptions(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	targets := fs.String("target", "http://127.0.0.1:8080", "Adresse des laufenden Servers (nur Loopback); mehrere Instanzen auf einer Datenbank durch Komma getrennt – die Anfragen gehen reihum an alle")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "Dauer je Szenario (höchstens 2m)")
	fs.IntVar(&o.rate, "rate", 0, "Anfragen pro Sekunde; 0 = so schnell wie möglich mit --workers")
	fs.IntVar(&o.workers, "workers", 16, "gleichzeitige Verbindungen")
	scen := fs.String("scenario", "all", "Szenarien, durch Komma getrennt: "+strings.Join(scenarioNames(), ", ")+" oder all")
	fs.StringVar(&o.email, "email", "ministerium@demo.example", "Konto für Szenarien mit Anmeldung (Demo-Ministerium)")
	fs.StringVar(&o.password, "password", "Demo-Elbaue-Brocken-2026", "Passwort dieses Kontos (und des Servicekontos)")
	fs.StringVar(&o.citizen, "citizen", "buerger@demo.example", "Servicekonto für citizen-applications (Demo)")
	fs.IntVar(&o.apps, "applications", 300, "höchstens so viele Anträge in citizen-applications (je einer wird vorher ausgefüllt; höchstens 5000)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.duration <= 0 || o.duration > maxDuration {
		return nil, fmt.Errorf("--duration must be between 0 and %s", maxDuration)
	}
	if o.apps < 1 || o.apps > 5000 {
		return nil, errors.New("--applications must be between 1 and 5000")
	}
	if o.workers < 1 || o.workers > 512 {
		return nil, errors.New("--workers must be between 1 and 512")
	}
	for _, t := range strings.Split(*targets, ",") {
		t = strings.TrimSuffix(strings.TrimSpace(t), "/")
		if err := requireLoopback(t); err != nil {
			return nil, err
		}
		o.instances = append(o.instances, t)
	}
	o.target = o.instances[0]
	if *scen == "all" {
		o.scenarios = scenarioNames()
	} else {
		for _, s := range strings.Split(*scen, ",") {
			if !slices.Contains(scenarioNames(), s) {
				return nil, fmt.Errorf("unknown scenario %q (known: %s)", s, strings.Join(scenarioNames(), ", "))
			}
			o.scenarios = append(o.scenarios, s)
		}
	}
	return o, nil
}

// requireLoopback refuses any target that is not this machine: a load test
// must never leave it.
func requireLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("--target %q is not a URL", target)
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return fmt.Errorf("--target %q: %w", target, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("--target %q resolves to %s: only loopback addresses may be load-tested", target, ip)
		}
	}
	return nil
}

// result is one scenario's measurement.
type result struct {
	name    string
	metrics vegeta.Metrics
}

func run(ctx context.Context, args []string, out io.Writer) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	setup := &setupClient{base: strings.TrimSuffix(o.target, "/"), http: &http.Client{Timeout: 30 * time.Second}, email: o.email, password: o.password,
		citizenEmail: o.citizen, applications: o.apps}
	var results []result
	for _, name := range o.scenarios {
		targets, err := scenarios[name].targets(ctx, setup)
		if err != nil {
			return fmt.Errorf("prepare %s: %w", name, err)
		}
		targets = spread(targets, o.target, o.instances, scenarios[name].once)
		if len(o.instances) > 1 && !scenarios[name].once {
			if err := awaitInstances(ctx, &http.Client{Timeout: 10 * time.Second}, targets); err != nil {
				return fmt.Errorf("prepare %s: %w", name, err)
			}
		}
		m := attack(ctx, o, name, targets, scenarios[name].once)
		results = append(results, result{name: name, metrics: m})
	}
	bare, stop, err := startBare()
	if err != nil {
		return err
	}
	defer stop()
	results = append(results, result{name: "bare net/http", metrics: attack(ctx, o, "bare", []vegeta.Target{{Method: "GET", URL: bare}}, false)})
	report(out, o, results)
	for _, n := range setup.notes {
		fmt.Fprintln(out, "Hinweis:", n)
	}
	return nil
}

// spread sends the targets, prepared against the first instance, to all
// instances: every target to each in turn, or – with once – each target
// to one instance, in turn. Sessions, drafts and tokens live in the
// shared database, so any instance serves them.
func spread(targets []vegeta.Target, first string, instances []string, once bool) []vegeta.Target {
	if len(instances) < 2 {
		return targets
	}
	on := func(t vegeta.Target, base string) vegeta.Target {
		t.URL = base + strings.TrimPrefix(t.URL, first)
		return t
	}
	var out []vegeta.Target
	for i, t := range targets {
		if once {
			out = append(out, on(t, instances[i%len(instances)]))
			continue
		}
		for _, base := range instances {
			out = append(out, on(t, base))
		}
	}
	return out
}

// awaitInstances waits until every instance accepts the credentials made
// through the first: another instance learns of a new API token with its
// next policy refresh (--policy-refresh, 2 s), and answers 403 until then.
func awaitInstances(ctx context.Context, client *http.Client, targets []vegeta.Target) error {
	deadline := time.Now().Add(15 * time.Second)
	for _, t := range targets {
		if t.Method != http.MethodGet {
			continue
		}
		for {
			req, err := http.NewRequestWithContext(ctx, t.Method, t.URL, nil)
			if err != nil {
				return err
			}
			if t.Header != nil {
				req.Header = t.Header.Clone() // the target's own credentials, as the attack sends them
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusUnauthorized {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("GET %s: still %d after 15 s", t.URL, resp.StatusCode)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nil
}

// attack drives targets round-robin for the configured duration; with
// once, each target is sent a single time and the attack ends when all
// are used.
func attack(ctx context.Context, o *options, name string, targets []vegeta.Target, once bool) vegeta.Metrics {
	opts := []func(*vegeta.Attacker){
		vegeta.Workers(uint64(o.workers)),
		vegeta.MaxWorkers(uint64(o.workers)),
		vegeta.Connections(o.workers),
		vegeta.KeepAlive(true),
		vegeta.Timeout(10 * time.Second),
	}
	if once {
		opts = append(opts, vegeta.Redirects(vegeta.NoFollow))
	}
	attacker := vegeta.NewAttacker(opts...)
	targeter := vegeta.NewStaticTargeter(targets...)
	if once {
		targeter = onceTargeter(targets, func() { attacker.Stop() })
	}
	pacer := vegeta.Rate{Freq: o.rate, Per: time.Second}
	var m vegeta.Metrics
	add := func(res *vegeta.Result) {
		if res.Error != vegeta.ErrNoTargets.Error() { // the hits after the last target
			m.Add(res)
		}
	}
	results := attacker.Attack(targeter, pacer, o.duration, name)
	for {
		select {
		case <-ctx.Done():
			attacker.Stop()
			for res := range results {
				add(res)
			}
			m.Close()
			return m
		case res, ok := <-results:
			if !ok {
				m.Close()
				return m
			}
			add(res)
		}
	}
}

// onceTargeter hands out each target once, then stops the attack.
func onceTargeter(targets []vegeta.Target, stop func()) vegeta.Targeter {
	var mu sync.Mutex
	next := 0
	return func(t *vegeta.Target) error {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(targets) {
			go stop()
			return vegeta.ErrNoTargets
		}
		*t = targets[next]
		next++
		return nil
	}
}

// startBare serves the yardstick: a handler writing a small fixed JSON
// answer, with nothing between it and net/http.
func startBare() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	body := []byte(`{"items":[{"id":"0190","name":"Landkreis Harz","officialKey":"15085"}]}`)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/", func() { srv.Close() }, nil
}

func report(out io.Writer, o *options, results []result) {
	mode := fmt.Sprintf("so schnell wie möglich, %d Verbindungen", o.workers)
	if o.rate > 0 {
		mode = fmt.Sprintf("%d Anfragen/s, %d Verbindungen", o.rate, o.workers)
	}
	fmt.Fprintf(out, "Lasttest gegen %s, je %s, %s\n\n", strings.Join(o.instances, ", "), o.duration, mode)
	bare := results[len(results)-1].metrics.Throughput
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Szenario\tAnfragen\treq/s\tErfolg\tp50\tp95\tp99\t× bare\t")
	for _, r := range results {
		m := r.metrics
		ratio := 0.0
		if bare > 0 {
			ratio = m.Throughput / bare
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f %%\t%s\t%s\t%s\t%.2f\t\n", r.name, m.Requests, m.Throughput, m.Success*100,
			m.Latencies.P50.Round(time.Microsecond), m.Latencies.P95.Round(time.Microsecond), m.Latencies.P99.Round(time.Microsecond), ratio)
	}
	tw.Flush()
	for _, r := range results {
		if len(r.metrics.Errors) > 0 {
			errs := r.metrics.Errors
			if len(errs) > 3 {
				errs = errs[:3]
			}
			fmt.Fprintf(out, "Fehler in %s: %s\n", r.name, strings.Join(errs, "; "))
		}
	}
}
