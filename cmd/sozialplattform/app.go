package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"sozialplattform/migrations"
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
	a.outbox, err = mail.NewOutbox(a.db, mail.OutboxOptions{BaseURL: a.cfg.BaseURL, From: a.cfg.MailFrom, PlatformName: "Sozialplattform Sachsen-Anhalt"})
	if err != nil {
		return fmt.Errorf("mail templates: %w", err)
	}
	if err := authz.SyncRules(ctx, a.db.Write, authz.DefaultRules); err != nil {
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

func (a *app) close() error { return a.db.Close() }
