package admin_test

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/uptrace/bun"

	"sozialplattform/admin"
	marketapi "sozialplattform/marketplace/api"
	"sozialplattform/onboarding"
	onboardingapi "sozialplattform/onboarding/api"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/portal/appointments"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/counselling"
	counsellingapi "sozialplattform/portal/counselling/api"
	"sozialplattform/portal/forms"
	formsapi "sozialplattform/portal/forms/api"
	"sozialplattform/portal/forms/handover"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
	"sozialplattform/tenant/web"
)

// worldOptions are the parts of envOptions that build the whole console
// as the server does: the demo's people, the directory, the online
// applications and the API beside the console.
type worldOptions struct {
	// demo loads the demo's Körperschaften and accounts (tenant's
	// LoadDemo: the Land, every Kreis and kreisfreie Stadt, Harz's clerk;
	// password tenant.DemoPassword) instead of seed's three; land, harz,
	// wittenberg, ministry, harzAdmin and wbAdmin name the demo's.
	demo bool
	// counselling adds the Beratungsstellen directory and the online
	// appointments: stores, rules, mail templates and jobs.
	counselling bool
	// applications adds the online applications (needs domains and
	// delivery): the form store whose submissions enter the delivery
	// outbox in their transaction, the citizen accounts and the data keys;
	// delivery is then built as the server builds it – connection tests
	// with a real test application, status back to the application,
	// sealed documents.
	applications bool
	// api serves the built domains' JSON API under /api beside the
	// console, behind the same authenticator: console tests read back
	// through it what the console wrote.
	api bool
}

// world holds what worldOptions built.
type world struct {
	counsel  *counselling.Store
	appts    *appointments.Store
	dir      *dvdv.Directory // with delivery
	forms    *forms.Store
	citizens *citizen.Store
	keys     *envelope.Keyring
}

// mailTemplates are the mail templates of the further domains.
func (o envOptions) mailTemplates() []fs.FS {
	var out []fs.FS
	if o.counselling {
		out = append(out, counselling.MailTemplates(), appointments.MailTemplates())
	}
	if o.applications {
		out = append(out, forms.MailTemplates(), citizen.MailTemplates(), delivery.MailTemplates())
	}
	return out
}

// rules are the access rules of the further domains.
func (o envOptions) rules() [][]authz.Rule {
	var out [][]authz.Rule
	if o.counselling {
		out = append(out, counselling.Rules(), appointments.Rules())
	}
	if o.applications {
		out = append(out, forms.Rules())
	}
	return out
}

// citizenLinks and friends are the portal's addresses (portal/www's link
// builders, which a console test may not import: the surfaces never
// import each other). Only the mails to citizens carry them.
func formsLinks(base string) forms.Links {
	return forms.Links{Account: web.LinkTo(base, "/{site}/servicekonto/{$}"),
		Application: web.LinkTo(base, "/{site}/servicekonto/antraege/{app}"), Draft: web.LinkTo(base, "/{site}/antrag/{strecke}/entwurf/{draft}")}
}

func citizenLinks(base string) citizen.Links {
	return citizen.Links{Confirm: web.LinkTo(base, "/{site}/servicekonto/bestaetigen/{token}"),
		Reset: web.LinkTo(base, "/{site}/servicekonto/passwort/{token}"), Forgot: web.LinkTo(base, "/{site}/servicekonto/passwort-vergessen")}
}

func appointmentLinks(base string) appointments.Links {
	return appointments.Links{Booking: web.LinkTo(base, "/{site}/termine/buchung/{token}"),
		Calendar: web.LinkTo(base, "/{site}/termine/buchung/{token}/termin.ics"), Cancel: web.LinkTo(base, "/{site}/termine/absagen/{token}")}
}

// buildDelivery builds the delivery to the Fachverfahren with the
// server's options (cmd/sozialplattform's buildDelivery): routes and
// connection tests by onboarding's cases, the test application from the
// form store, status back to the applications.
func (e *env) buildDelivery(logger *slog.Logger) {
	t := e.t
	var err error
	if e.keys, err = envelope.Parse(envelope.NewKey()); err != nil {
		t.Fatal(err)
	}
	router := delivery.OnboardingRouter{Cases: e.onboard, Tenants: e.store}
	e.delivery, err = delivery.New(e.db, delivery.Options{Instance: "test", Router: router, Cases: router, Directory: e.dir,
		OnTest: e.onboard.RecordTestDelivery, OnTestResult: e.onboard.RecordTestResult, Logger: logger,
		TestApplication: func(ctx context.Context, tenantID, strecke, reference string, at time.Time) ([]byte, []byte, error) {
			return e.forms.TestApplication(ctx, tenantID, strecke, reference, at)
		},
		Mailer: e.outbox, Links: admin.DeliveryLinks(e.srv.URL), Labels: e.onboard.Antragsstrecken,
		OnKey: func(ctx context.Context, db bun.IDB, caseID string, k fitconnect.KeyInfo) error {
			return e.onboard.RecordDestinationKey(ctx, db, caseID, onboarding.KeyInfo{Kid: k.Kid, Bits: k.Bits, Subject: k.Subject,
				Issuer: k.Issuer, NotBefore: k.NotBefore, NotAfter: k.NotAfter, Thumbprint: k.Thumbprint, FetchedAt: k.FetchedAt})
		},
		OnStatus: func(ctx context.Context, db bun.IDB, applicationID, status, detail string) error {
			return e.forms.SetDeliveryStatus(ctx, db, applicationID, status, detail)
		}})
	if err != nil {
		t.Fatal(err)
	}
	e.delivery.SetSealer(delivery.KeyringSealer(e.keys))
}

// buildWorld builds the further domains of o into deps.
func (e *env) buildWorld(o envOptions, _ *slog.Logger, deps *admin.Deps) {
	t, ctx := e.t, context.Background()
	var err error
	if o.counselling {
		if e.counsel, err = counselling.NewStore(e.db, e.store, e.outbox, counselling.Options{Links: admin.CounsellingLinks(e.srv.URL)}); err != nil {
			t.Fatal(err)
		}
		if err := e.counsel.EnsureTopics(ctx); err != nil {
			t.Fatal(err)
		}
		if e.appts, err = appointments.NewStore(e.db, e.outbox, appointments.Options{Links: appointmentLinks(e.srv.URL)}); err != nil {
			t.Fatal(err)
		}
		for _, j := range append(e.counsel.Jobs(), e.appts.Jobs()...) {
			if err := e.jobs.Register(j); err != nil {
				t.Fatal(err)
			}
		}
		deps.Counselling, deps.Appointments = e.counsel, e.appts
	}
	if o.applications {
		reg, err := forms.Load()
		if err != nil {
			t.Fatal(err)
		}
		if e.forms, err = forms.NewStore(forms.Deps{DB: e.db, Keys: e.keys, Registry: reg, Tenants: e.store, Mailer: e.outbox,
			Outbox: handover.Outbox(e.delivery.Enqueue), Destination: e.formsDestination,
			Options: forms.Options{Links: formsLinks(e.srv.URL), PlatformName: "Sozialplattform Sachsen-Anhalt"}}); err != nil {
			t.Fatal(err)
		}
		e.delivery.SetStored(e.forms.StoredDocuments)
		e.citizens = citizen.NewStore(e.db, e.outbox, citizen.Options{Passwords: e.store.Passwords(), Links: citizenLinks(e.srv.URL)})
		deps.Applications = e.forms
	}
}

// formsDestination takes the reader's Behördenkennung from onboarding, as
// the server does, but every Antragsstrecke with a form as live: the
// console walks submit without taking each case through its phases first.
func (e *env) formsDestination(ctx context.Context, tenantID, strecke string) (forms.Destination, error) {
	d, err := handover.Destination(e.onboard.Destination)(ctx, tenantID, strecke)
	_, d.Live = e.forms.Registry().Latest(strecke)
	return d, err
}

// serveAPI puts the built domains' API under /api on mux, with the
// server's guard (cmd/sozialplattform's newAPI, without the domains this
// console does not have).
func (e *env) serveAPI(o envOptions, mux *http.ServeMux, logger *slog.Logger) {
	if !o.api {
		return
	}
	t := e.t
	cfg := huma.DefaultConfig("Sozialplattform Sachsen-Anhalt API", "test")
	cfg.OpenAPIPath, cfg.DocsPath = "/openapi", ""
	cfg.Transformers = append(cfg.Transformers, coreapi.BoundProblems)
	humaAPI := humago.NewWithPrefix(mux, "/api", cfg)
	humaAPI.UseMiddleware(coreapi.KeepHumaContext, coreapi.NewGuard(humaAPI, e.az, e.store).Middleware, coreapi.CheckBodies(humaAPI))
	if e.market != nil {
		marketapi.New(marketapi.Deps{Store: e.market, Authz: e.az, Logger: logger}).Register(humaAPI)
	}
	if e.onboard != nil {
		onboardingapi.New(onboardingapi.Deps{Store: e.onboard, Tenants: e.store, Authz: e.az, Logger: logger}).Register(humaAPI)
	}
	if e.counsel != nil {
		counsellingapi.New(counsellingapi.Deps{Store: e.counsel, Appointments: e.appts, Tenants: e.store, Authz: e.az, Logger: logger}).Register(humaAPI)
	}
	if e.forms != nil {
		formsapi.New(formsapi.Deps{Store: e.forms, Authz: e.az, Logger: logger}).Register(humaAPI)
	}
	if err := coreapi.MustDeclareAccess(humaAPI); err != nil {
		t.Fatal(err)
	}
}

// loadDemo loads the demo's Körperschaften and accounts instead of seed.
func (e *env) loadDemo() {
	t, ctx := e.t, context.Background()
	if _, err := e.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	resolve := func(key string) *tenant.Tenant {
		tn, err := e.store.ResolveTenant(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return tn
	}
	user := func(email string) *tenant.User {
		u, err := e.store.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.land, e.harz, e.wittenberg = resolve("15"), resolve("15085"), resolve("15091")
	e.ministry, e.harzAdmin, e.wbAdmin = user("ministerium@demo.example"), user("harz@demo.example"), user("wittenberg@demo.example")
}

// mailTo returns the newest queued mail of a template to an address, or
// nil; as the recipient sees it, mails to citizens included (which the
// Postausgang shows no staff member).
func (e *env) mailTo(template, to string) *mail.Stored {
	e.t.Helper()
	all := mailtest.Stored(e.t, e.db.Read, template)
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].To == to {
			return &all[i]
		}
	}
	return nil
}

// loadCounsellingDemo loads the directory's and the appointments' demo
// data the way serve --demo does, twice (it is idempotent); it needs
// counselling and demo.
func (e *env) loadCounsellingDemo() counselling.Demo {
	e.t.Helper()
	ctx := context.Background()
	var d counselling.Demo
	for range 2 {
		var err error
		if d, err = e.counsel.LoadDemo(ctx); err != nil {
			e.t.Fatal(err)
		}
		if err := e.appts.LoadDemo(ctx, e.store, d.CalendarTenants); err != nil {
			e.t.Fatal(err)
		}
	}
	return d
}
