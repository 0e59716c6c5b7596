package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/admin"
	"sozialplattform/marketplace"
	"sozialplattform/migrations"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/onboarding/ordering"
	"sozialplattform/portal/appointments"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/counselling"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/site"
	"sozialplattform/portal/www"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
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
	portal   *www.Portal         // the citizen portal (issue 5)
	counsel  *counselling.Store  // the Beratungsstellen directory (issue 8)
	appts    *appointments.Store // online appointments (issue 8)
	delivery *delivery.Service   // delivery to the Fachverfahren (issue 7)
	dvdv     *dvdv.Directory     // the DVDV directory for OSCI/XTA2 (issue 7)

	// passwords hashes the passwords of staff and citizens alike, so that
	// an unknown address costs the same in both logins.
	passwords *tenant.PasswordHasher
	// assets are the embedded static files every surface serves.
	assets *web.Assets

	// Online applications and citizen accounts (issue 6).
	forms           *forms.Store
	citizens        *citizen.Store
	citizenSessions *citizen.Sessions
	saml            *citizen.SAML // nil without --saml-idp-metadata
	dataKeys        *envelope.Keyring
	// formTokens sign the form tokens of console and portal pages before
	// login (a cookie instead of a session row), with a key derived from
	// the data key so that every instance accepts them.
	formTokens *web.FormTokens

	// routes are the surfaces' route tables, once newHandler built them.
	routes *routeTables

	// onDeliveryStatus reports delivery progress to the applications
	// side (issue 6) inside the delivery's transaction; nil until wired.
	onDeliveryStatus delivery.StatusFunc
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
// Passwords are hashed at tenant.DefaultPasswordCost: no setting lowers it.
func newApp(ctx context.Context, cfg *config, logger *slog.Logger) (*app, error) {
	return newAppHashing(ctx, cfg, logger, tenant.DefaultPasswordHasher())
}

// newAppHashing is newApp with the password hasher given: the tests' apps
// hash at passwordtest's cost.
func newAppHashing(ctx context.Context, cfg *config, logger *slog.Logger, passwords *tenant.PasswordHasher) (*app, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, logger: logger, db: db, passwords: passwords}
	if err := a.build(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) build(ctx context.Context) error {
	var err error
	a.outbox, err = mail.NewOutbox(a.db, mail.OutboxOptions{BaseURL: a.cfg.BaseURL, From: a.cfg.MailFrom, PlatformName: "Sozialplattform Sachsen-Anhalt",
		Templates: []fs.FS{marketplace.MailTemplates(), onboarding.MailTemplates(), www.MailTemplates(), forms.MailTemplates(), citizen.MailTemplates(), counselling.MailTemplates(), appointments.MailTemplates(),
			delivery.MailTemplates()}})
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
	if err := authz.SyncRules(ctx, a.db.Write, site.Rules); err != nil {
		return err
	}
	for _, rules := range [][]authz.Rule{counselling.Rules(), appointments.Rules(), delivery.Rules(), forms.Rules()} {
		if err := authz.SyncRules(ctx, a.db.Write, rules); err != nil {
			return err
		}
	}
	a.authz, err = authz.New(ctx, a.db, a.logger)
	if err != nil {
		return err
	}
	a.store = tenant.NewStore(a.db, a.outbox, tenant.Options{
		Links:     admin.TenantLinks(a.cfg.BaseURL),
		Passwords: a.passwords,
		PolicyChanged: func() {
			if err := a.authz.Reload(context.WithoutCancel(ctx)); err != nil {
				a.logger.Error("reload access policy", "err", err)
			}
		},
	})
	a.sessions = tenant.NewSessionStore(a.db, tenant.SessionOptions{Secure: a.cfg.secure(), IdleTimeout: a.cfg.SessionIdle, AbsoluteTimeout: a.cfg.SessionMax})
	a.auth = authz.NewAuthenticator(a.store, a.sessions, a.logger)
	a.auth.CacheTokens(a.authz)
	a.jobs = jobs.NewRegistry(a.db, a.cfg.InstanceID, a.logger)
	if err := a.buildOnboarding(ctx); err != nil {
		return err
	}
	if err := a.buildDelivery(); err != nil {
		return err
	}
	if a.dataKeys, err = a.keyring(); err != nil {
		return err
	}
	if a.formTokens, err = web.NewFormTokens(a.dataKeys.Derive("form tokens v1"), a.cfg.secure()); err != nil {
		return err
	}
	// One set of static files for portal, console and API docs: built (and
	// compressed on demand) once, not per surface.
	if a.assets, err = web.NewAssets(); err != nil {
		return err
	}
	if err := a.buildPortal(); err != nil {
		return err
	}
	if err := a.buildApplications(ctx); err != nil {
		return err
	}
	a.delivery.SetSealer(delivery.KeyringSealer(a.dataKeys))
	// The outbox keeps an application's PDF, XML and attachments by
	// reference to its documents (same transaction) instead of a copy.
	a.delivery.SetStored(a.forms.StoredDocuments)
	// Onboarding's side of the marketplace contract (issue 4): its
	// catalogue of Antragsstrecken, the cases an order opens in its
	// transaction, the confirmation's support contacts and Sprechstunde.
	a.market, err = marketplace.NewStore(a.db, a.store, a.outbox, ordering.Options(marketplace.Options{
		Links:                admin.MarketLinks(a.cfg.BaseURL),
		MinistryOrderMailbox: a.cfg.OrderMailbox,
		ServicePage:          www.ServicePageLink(a.cfg.BaseURL),
	}, a.onboard))
	if err != nil {
		return err
	}
	if err := a.buildCounselling(ctx); err != nil {
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

// buildOnboarding builds onboarding (issue 4) with its reminder jobs; its
// side of the marketplace contract is onboarding/ordering.
func (a *app) buildOnboarding(ctx context.Context) error {
	var err error
	a.onboard, err = onboarding.NewStore(a.db, a.outbox, onboarding.Options{Links: admin.OnboardingLinks(a.cfg.BaseURL), MinistryMailbox: a.cfg.OrderMailbox,
		// The weekly report's failing live cases; the delivery is built
		// after onboarding and is there before any job runs.
		FailingDeliveries: func(ctx context.Context, tenantIDs []string) (map[string]int, error) {
			return a.delivery.LiveFailing(ctx, tenantIDs)
		}})
	if err != nil {
		return err
	}
	if err := a.onboard.EnsureDefaults(ctx); err != nil {
		return err
	}
	for _, j := range a.onboard.Jobs(onboarding.ReminderOptions{}) {
		if err := a.jobs.Register(j); err != nil {
			return err
		}
	}
	return nil
}

// buildPortal builds the citizen portal (issue 5); onboarding tells it
// which Antragsstrecken each municipality runs live.
func (a *app) buildPortal() error {
	var err error
	a.portal, err = www.New(www.Deps{DB: a.db, Store: a.store, Sessions: a.sessions, Outbox: a.outbox, Assets: a.assets,
		Services: a.onboard, Logger: a.logger, Secure: a.cfg.secure(), CookieKey: a.dataKeys.Derive("portal cookie v1"),
		FormTokens: a.formTokens})
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	return nil
}

// buildCounselling builds the Beratungsstellen directory and the online
// appointments (issue 8), their default topics and scheduled jobs.
func (a *app) buildCounselling(ctx context.Context) error {
	var err error
	opts := a.cfg.Counselling
	opts.Links = admin.CounsellingLinks(a.cfg.BaseURL)
	if a.counsel, err = counselling.NewStore(a.db, a.store, a.outbox, opts); err != nil {
		return err
	}
	if err := a.counsel.EnsureTopics(ctx); err != nil {
		return err
	}
	if a.appts, err = appointments.NewStore(a.db, a.outbox, appointments.Options{Links: www.AppointmentLinks(a.cfg.BaseURL)}); err != nil {
		return err
	}
	if err := a.portal.RegisterCounselling(www.CounsellingDeps{Directory: a.counsel, Appointments: a.appts}); err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	for _, j := range append(a.counsel.Jobs(), a.appts.Jobs()...) {
		if err := a.jobs.Register(j); err != nil {
			return err
		}
	}
	return nil
}

// buildDelivery builds the delivery to the Fachverfahren (issue 7): routes
// come from the onboarding cases, a successful connection test is recorded
// at the case, status goes to the applications side through
// onDeliveryStatus. FIT-Connect and XTA2 stay off until configured (the
// demo runs local servers and switches them on).
func (a *app) buildDelivery() error {
	a.dvdv = dvdv.New(a.db, nil)
	router := delivery.OnboardingRouter{Cases: a.onboard, Tenants: a.store}
	var err error
	a.delivery, err = delivery.New(a.db, delivery.Options{Instance: a.cfg.InstanceID, Router: router, Cases: router, Directory: a.dvdv,
		OnTest: a.onboard.RecordTestDelivery, OnTestResult: a.onboard.RecordTestResult, Logger: a.logger, TestApplication: a.testApplication,
		Mailer: a.outbox, Links: admin.DeliveryLinks(a.cfg.BaseURL), Labels: a.onboard.Antragsstrecken,
		OnKey: func(ctx context.Context, db bun.IDB, caseID string, k fitconnect.KeyInfo) error {
			return a.onboard.RecordDestinationKey(ctx, db, caseID, onboarding.KeyInfo{Kid: k.Kid, Bits: k.Bits, Subject: k.Subject,
				Issuer: k.Issuer, NotBefore: k.NotBefore, NotAfter: k.NotAfter, Thumbprint: k.Thumbprint, FetchedAt: k.FetchedAt})
		},
		OnStatus: func(ctx context.Context, db bun.IDB, applicationID, status, detail string) error {
			if a.onDeliveryStatus == nil {
				return nil
			}
			return a.onDeliveryStatus(ctx, db, applicationID, status, detail)
		}})
	if err != nil {
		return err
	}
	if err := a.configureTransports(); err != nil {
		return err
	}
	for _, j := range []jobs.Job{
		{Name: "zustellung", Schedule: "@every 5s", Description: "Anträge an die Fachverfahren zustellen und deren Stand abfragen",
			Run: func(ctx context.Context) error {
				_, err := a.delivery.RunDue(ctx)
				return err
			}},
		{Name: "postfach-uebersicht", Schedule: "@every 1h", Description: "Sachbearbeitung und Administration der Kommunen mit Variante 2 über neue, noch nicht abgeholte Anträge im Postfach benachrichtigen (je Antrag einmal)",
			Run: func(ctx context.Context) error {
				_, err := a.delivery.SendMailboxDigests(ctx)
				return err
			}},
		{Name: "zustellung-aufraeumen", Schedule: "@every 6h", Description: "Abgeholte Postfach-Inhalte nach der Aufbewahrungsfrist löschen",
			Run: func(ctx context.Context) error {
				_, err := a.delivery.Cleanup(ctx)
				return err
			}},
	} {
		if err := a.jobs.Register(j); err != nil {
			return err
		}
	}
	return nil
}

// configureTransports switches on FIT-Connect and XTA2 when the
// configuration names their credentials. Both speak as the one platform
// identity (--platform-kennung), as the XSozial-basis messages do.
func (a *app) configureTransports() error {
	if f := a.cfg.FITConnect; f.BaseURL != "" {
		cbURL := ""
		if f.CallbackSecret != "" {
			cbURL = a.cfg.BaseURL + delivery.CallbackPath
		}
		var roots *x509.CertPool
		if f.RootsFile != "" {
			pem, err := os.ReadFile(f.RootsFile)
			if err != nil {
				return fmt.Errorf("--fitconnect-roots: %w", err)
			}
			roots = x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return fmt.Errorf("--fitconnect-roots %s: no PEM certificate in the file", f.RootsFile)
			}
		} else {
			a.logger.Warn("FIT-Connect without --fitconnect-roots: destination certificate chains are checked link by link but not anchored in the Verwaltungs-PKI; acceptable for the FIT-Connect test environment only")
		}
		sender, err := fitconnect.NewSender(fitconnect.Config{BaseURL: f.BaseURL, TokenURL: f.TokenURL, ClientID: f.ClientID,
			ClientSecret: f.ClientSecret, Scope: f.Scope, CallbackURL: cbURL, CallbackSecret: f.CallbackSecret, Roots: roots})
		if err != nil {
			return fmt.Errorf("FIT-Connect: %w", err)
		}
		a.delivery.SetFITConnect(&delivery.FITConnectOptions{Sender: sender, CallbackSecret: f.CallbackSecret})
	}
	if x := a.cfg.XTA; x.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(x.CertFile, x.KeyFile)
		if err != nil {
			return fmt.Errorf("XTA2 client certificate: %w", err)
		}
		a.delivery.SetXTA(&delivery.XTAOptions{Author: a.xtaAuthor(), ClientCert: cert})
	}
	return nil
}

// testApplication builds a connection test's application with the
// builders of real applications (forms is built after delivery).
func (a *app) testApplication(ctx context.Context, tenantID, strecke, reference string, at time.Time) ([]byte, []byte, error) {
	if a.forms == nil {
		return nil, nil, errors.New("the application forms are not built")
	}
	return a.forms.TestApplication(ctx, tenantID, strecke, reference, at)
}

// xtaAuthor is the platform identity as XTA party.
func (a *app) xtaAuthor() xta2.Party {
	return xta2.Party{Identifier: a.cfg.Identity.Kennung, Name: a.cfg.Identity.Name}
}

// keyring returns the data keys that seal application data, the portal's
// cookies and the anonymous form tokens. Configured keys come from
// --data-key; without them a development key is used:
//   - SQLite: a key file next to the database, created on first use;
//   - PostgreSQL with --demo: a key file in this host's data folder;
//   - PostgreSQL otherwise: serve refuses to start (see checkSharedSecrets),
//     because several instances must share the key and cleaning a folder
//     must not lose every application; the other commands (user, openapi)
//     store no application data and get a key for this process only.
func (a *app) keyring() (*envelope.Keyring, error) {
	if a.cfg.Apps.DataKey != "" {
		kr, err := envelope.Parse(a.cfg.Apps.DataKey)
		if err != nil {
			return nil, fmt.Errorf("--data-key: %w", err)
		}
		return kr, nil
	}
	if migrations.KindOf(a.cfg.DB) == migrations.Postgres && !a.cfg.Demo {
		return envelope.Parse(envelope.NewKey())
	}
	path := filepath.Join(a.cfg.DataDir, "data-key")
	kr, created, err := envelope.LoadOrCreateFile(path)
	if err != nil {
		return nil, err
	}
	a.logger.Warn("no --data-key configured: application data are encrypted with a development key from a file; "+
		"set SOZIALPLATTFORM_DATA_KEY (or _FILE) in production", "key_file", path, "created", created)
	return kr, nil
}

func (a *app) close() error { return a.db.Close() }
