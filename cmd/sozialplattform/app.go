package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/uptrace/bun"

	"sozialplattform/marketplace"
	"sozialplattform/migrations"
	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
)

// app holds the program's long-lived parts, built once from the config.
type app struct {
	cfg      *config
	logger   *slog.Logger
	db       *migrations.DB
	outbox   *mail.Outbox
	store    *tenant.Store
	sessions *tenant.SessionStore
	authz    *authz.Authorizer
	auth     *authz.Authenticator
	jobs     *jobs.Registry
	market   *marketplace.Store
	onboard  *onboarding.Store

	// Onboarding's side of the marketplace contract (issue 4): its
	// catalogue of Antragsstrecken and the hand-off that opens its cases
	// inside the order's transaction. While nil, any Antragsstrecke key is
	// accepted and an order opens no cases.
	antragsstrecken func(ctx context.Context) (map[string]string, error)
	openCases       func(ctx context.Context, tx bun.IDB, e marketplace.OrderPlaced) error
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg *config) (*migrations.DB, error) {
	db, err := migrations.Open(ctx, cfg.DB, migrations.Options{})
	if err != nil {
		return nil, err
	}
	m, err := migrations.NewMigrator(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := m.Up(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// newApp opens the database, applies migrations and builds every part.
func newApp(ctx context.Context, cfg *config, logger *slog.Logger) (*app, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, logger: logger, db: db}
	if err := a.build(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) build(ctx context.Context) error {
	var err error
	a.outbox, err = mail.NewOutbox(a.db, mail.OutboxOptions{BaseURL: a.cfg.BaseURL, From: a.cfg.MailFrom, PlatformName: "Sozialplattform Sachsen-Anhalt",
		Templates: []fs.FS{marketplace.MailTemplates(), onboarding.MailTemplates()}})
	if err != nil {
		return fmt.Errorf("mail templates: %w", err)
	}
	if err := authz.SyncRules(ctx, a.db.Write, authz.DefaultRules); err != nil {
		return err
	}
	if err := authz.SyncRules(ctx, a.db.Write, marketplace.AuthzRules()); err != nil {
		return err
	}
	if err := authz.SyncRules(ctx, a.db.Write, onboarding.Rules()); err != nil {
		return err
	}
	a.authz, err = authz.New(ctx, a.db, a.logger)
	if err != nil {
		return err
	}
	a.store = tenant.NewStore(a.db, a.outbox, tenant.Options{
		BaseURL: a.cfg.BaseURL,
		PolicyChanged: func() {
			if err := a.authz.Reload(context.WithoutCancel(ctx)); err != nil {
				a.logger.Error("reload access policy", "err", err)
			}
		},
	})
	a.sessions = tenant.NewSessionStore(a.db, tenant.SessionOptions{Secure: a.cfg.secure(), IdleTimeout: a.cfg.SessionIdle, AbsoluteTimeout: a.cfg.SessionMax})
	a.auth = authz.NewAuthenticator(a.store, a.sessions, a.logger)
	a.jobs = jobs.NewRegistry(a.db, a.cfg.InstanceID, a.logger)
	if err := a.buildOnboarding(ctx); err != nil {
		return err
	}
	a.market, err = marketplace.NewStore(a.db, a.store, a.outbox, marketplace.Options{
		BaseURL:              a.cfg.BaseURL,
		MinistryOrderMailbox: a.cfg.OrderMailbox,
		KnownAntragsstrecken: func(ctx context.Context) (map[string]string, error) {
			if a.antragsstrecken == nil {
				return nil, nil
			}
			return a.antragsstrecken(ctx)
		},
		OnOrderPlaced: func(ctx context.Context, tx bun.IDB, e marketplace.OrderPlaced) error {
			if a.openCases == nil {
				return nil
			}
			return a.openCases(ctx, tx, e)
		},
	})
	if err != nil {
		return err
	}
	return a.registerJobs()
}

// registerJobs names the platform's recurring work.
func (a *app) registerJobs() error {
	sender := mail.NewSender(a.db, a.cfg.SMTP, a.logger)
	for _, j := range []jobs.Job{
		{Name: "mail-versand", Schedule: "@every " + a.cfg.MailInterval.String(), Description: "E-Mails aus dem Postausgang per SMTP versenden",
			Run: func(ctx context.Context) error {
				_, _, err := sender.SendDue(ctx)
				return err
			}},
		{Name: "sitzungen-aufraeumen", Schedule: "@every 1h", Description: "Abgelaufene Sitzungen löschen",
			Run: func(ctx context.Context) error {
				_, err := a.sessions.DeleteExpired(ctx)
				return err
			}},
	} {
		if err := a.jobs.Register(j); err != nil {
			return err
		}
	}
	return nil
}

// buildOnboarding builds onboarding (issue 4) and fills its side of the
// marketplace contract: the catalogue of Antragsstrecken and the hand-off
// that opens one case per ordered Antragsstrecke in the order's
// transaction.
func (a *app) buildOnboarding(ctx context.Context) error {
	var err error
	a.onboard, err = onboarding.NewStore(a.db, a.outbox, onboarding.Options{BaseURL: a.cfg.BaseURL})
	if err != nil {
		return err
	}
	if err := a.onboard.EnsureDefaults(ctx); err != nil {
		return err
	}
	a.antragsstrecken = a.onboard.Antragsstrecken
	a.openCases = func(ctx context.Context, tx bun.IDB, e marketplace.OrderPlaced) error {
		var keys []string
		for _, it := range e.Items {
			keys = append(keys, it.Antragsstrecken...)
		}
		return a.onboard.OpenCases(ctx, tx, e.TenantID, e.OrderID, keys, e.OrderedAt)
	}
	for _, j := range a.onboard.Jobs(onboarding.ReminderOptions{}) {
		if err := a.jobs.Register(j); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) close() error { return a.db.Close() }
