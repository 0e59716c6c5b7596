package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"sozialplattform/migrations"
	deliverydemo "sozialplattform/onboarding/delivery/demo"
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// serveCmd runs the server until ctx ends (SIGINT/SIGTERM), then drains
// requests and running jobs.
func serveCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var demo bool
	cfg, _, err := parseConfig("serve", args, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&demo, "demo", false, "Demodaten laden (idempotent)")
	})
	if err != nil {
		return err
	}
	cfg.Demo = demo || getenv("SOZIALPLATTFORM_DEMO") == "true"
	if err := cfg.checkServe(); err != nil {
		return err
	}
	if err := checkSharedSecrets(cfg); err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.LogLevel)
	started := time.Now()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	if cfg.baseURLDerived { // port 0 or a host name: use what we really got
		if err := cfg.deriveBaseURL(ln.Addr().String()); err != nil {
			return err
		}
	}
	a, err := newApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	var logins []tenant.DemoLogin
	if cfg.Demo {
		if logins, err = a.loadDemo(ctx); err != nil {
			return err
		}
		demoDelivery, err := deliverydemo.Start(ctx, a.delivery, deliverydemo.Options{DB: a.db, DataDir: cfg.DataDir, BaseURL: cfg.BaseURL,
			Onboarding: a.onboard, Tenants: a.store, Directory: a.dvdv, Logger: logger, Author: a.xtaAuthor(), Build: a.testApplication})
		if err != nil {
			return fmt.Errorf("start delivery demo: %w", err)
		}
		defer demoDelivery.Close()
		fmt.Fprintf(stdout, "Demo-Zustellung: FIT-Connect %s, XTA2 %s\n", orExternal(demoDelivery.FITConnectURL), orExternal(demoDelivery.XTAURL))
	}
	handler, err := newHandler(a, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	requestCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// Requests outlive the signal: the shutdown lets the ones in
		// flight finish (their database work included) and cancels them
		// only when the grace period is over.
		BaseContext: func(net.Listener) context.Context { return requestCtx },
	}
	// Start-up (templates, demo data, password hashes) leaves much freed
	// memory behind; hand it back now rather than idle with it.
	debug.FreeOSMemory()
	go a.authz.Watch(ctx, cfg.PolicyRefresh)
	a.releaseDeadLeases(ctx)
	a.jobs.Start(ctx)

	fmt.Fprintf(stdout, "Sozialplattform läuft: %s (Datenbank: %s, bereit nach %s)\n", cfg.BaseURL, a.db.Kind, time.Since(started).Round(time.Millisecond))
	fmt.Fprintf(stdout, "  Konsole:  %s/admin/\n  API-Doku: %s/api/docs\n", cfg.BaseURL, cfg.BaseURL)
	if len(logins) > 0 {
		fmt.Fprintf(stdout, "Demo-Zugänge (Passwort für alle: %s):\n", tenant.DemoPassword)
		for _, l := range logins {
			fmt.Fprintf(stdout, "  %-36s %s, %s\n", l.Email, l.Role, l.Tenant)
		}
	}
	if !cfg.SMTP.Enabled() {
		fmt.Fprintln(stdout, "Kein SMTP-Server eingestellt: E-Mails bleiben im Postausgang der Konsole.")
	}
	logger.Info("server started", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "db", string(a.db.Kind), "instance", cfg.InstanceID)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return shutdown(ctx, srv, a, cancelRequests, logger)
}

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM; container runtimes and systemd wait longer (TimeoutStopSec) before
// they kill.
const shutdownGrace = 20 * time.Second

// shutdown drains the server after ctx ended: the listener closes at once
// (new connections are refused, idle ones closed), requests in flight
// finish within shutdownGrace and are cancelled after it; running jobs were
// cancelled with ctx and release their leases – a delivery cut short gives
// its row back uncounted – and shutdown waits for them before the database
// is closed.
func shutdown(ctx context.Context, srv *http.Server, a *app, cancelRequests context.CancelFunc, logger *slog.Logger) error {
	logger.Info("shutting down", "grace", shutdownGrace.String())
	began := time.Now()
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	jobsDone := a.jobs.Stop()
	err := srv.Shutdown(graceCtx)
	if err != nil {
		logger.Warn("requests still running after the grace period: cancelled", "err", err)
		cancelRequests()
		_ = srv.Close()
	}
	<-jobsDone.Done()
	logger.Info("shut down", "took", time.Since(began).Round(time.Millisecond).String())
	if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// checkSharedSecrets refuses to serve on PostgreSQL without the secrets
// every instance must share: the data key (a key file per host would leave
// each instance unable to read the others' applications) and, with SAML,
// the service provider's key pair. The demo makes its own.
func checkSharedSecrets(cfg *config) error {
	if migrations.KindOf(cfg.DB) != migrations.Postgres || cfg.Demo {
		return nil
	}
	if cfg.Apps.DataKey == "" {
		return errors.New("serve: Auf PostgreSQL startet der Server nicht ohne Datenschlüssel, den alle Instanzen teilen. " +
			"Bitte SOZIALPLATTFORM_DATA_KEY (oder SOZIALPLATTFORM_DATA_KEY_FILE, --data-key) setzen; einen neuen Schlüssel erzeugt " +
			"`openssl rand -base64 32`. Bewahren Sie ihn sicher auf: Ohne ihn sind die gespeicherten Anträge nicht mehr lesbar. " +
			"Nur der Demobetrieb (--demo) startet ohne Schlüssel")
	}
	if a := cfg.Apps; a.SAMLMetadata != "" && (a.SAMLKey == "" || a.SAMLCert == "") {
		return errors.New("serve: SAML auf PostgreSQL braucht das Schlüsselpaar des Service-Providers, das alle Instanzen teilen: " +
			"bitte --saml-key und --saml-cert (SOZIALPLATTFORM_SAML_KEY, SOZIALPLATTFORM_SAML_CERT) setzen")
	}
	return nil
}

// orExternal names a demo server's address, or says that the configured
// external transport is used instead.
func orExternal(url string) string {
	if url == "" {
		return "extern eingerichtet (kein Demo-Server)"
	}
	return "lokal unter " + url
}

// loadDemo creates the demo data that is missing (serve --demo and demo).
func (a *app) loadDemo(ctx context.Context) ([]tenant.DemoLogin, error) {
	logins, err := a.store.LoadDemo(ctx)
	if err != nil {
		return nil, fmt.Errorf("load demo data: %w", err)
	}
	if err := a.market.LoadDemo(ctx); err != nil {
		return nil, fmt.Errorf("load marketplace demo data: %w", err)
	}
	if err := a.onboard.LoadDemo(ctx); err != nil {
		return nil, fmt.Errorf("load onboarding demo data: %w", err)
	}
	counsellingDemo, err := a.counsel.LoadDemo(ctx)
	if err != nil {
		return nil, fmt.Errorf("load counselling demo data: %w", err)
	}
	if err := a.appts.LoadDemo(ctx, a.store, counsellingDemo.CalendarTenants); err != nil {
		return nil, fmt.Errorf("load appointment demo data: %w", err)
	}
	if err := site.NewStore(a.db).LoadDemo(ctx, a.store); err != nil {
		return nil, fmt.Errorf("load portal demo data (offices, links): %w", err)
	}
	logins = append(logins, counsellingDemo.Logins...)
	citizenLogin, err := a.citizens.LoadDemo(ctx)
	if err != nil {
		return nil, fmt.Errorf("load citizen demo data: %w", err)
	}
	return append(logins, citizenLogin), nil
}
