package admin

import (
	"fmt"
	"log/slog"
	"net/http"

	"sozialplattform/admin/applications"
	"sozialplattform/admin/core"
	"sozialplattform/admin/counselling"
	"sozialplattform/admin/delivery"
	"sozialplattform/admin/market"
	"sozialplattform/admin/onboarding"
	"sozialplattform/admin/portalconfig"
	"sozialplattform/admin/ui"
	"sozialplattform/marketplace"
	onboardingstore "sozialplattform/onboarding"
	deliveryservice "sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/portal/appointments"
	counsellingstore "sozialplattform/portal/counselling"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
)

// Deps are what the console needs from the rest of the platform. Store,
// Authz, Auth and Assets are required; without Outbox or Jobs the
// Postausgang or the Aufgaben page is left out, and a domain whose store
// is nil has no pages.
type Deps struct {
	Store   *tenant.Store
	Authz   *authz.Authorizer
	Auth    *authz.Authenticator
	Outbox  *mail.Outbox
	Jobs    *jobs.Registry
	Assets  *web.Assets
	Logger  *slog.Logger
	BaseURL string
	// FormTokens sign the form tokens of pages before login (cookie, no
	// session row); nil makes a key for this process (tests).
	FormTokens *web.FormTokens
	// NoSMTP says that no mail server is configured (development, demo):
	// mails then reach people only through the Postausgang, so the secret
	// links of a tenant's mails are shown to that tenant's own admins. With
	// a mail server they are always masked.
	NoSMTP bool
	// Demo: the instance runs with --demo; with NoSMTP the console serves
	// the demo mailbox /demo/postfach (ui.Shell.DemoMailbox).
	Demo bool

	// The domains whose pages the console serves.
	Marketplace  *marketplace.Store
	Onboarding   *onboardingstore.Store
	Delivery     *deliveryservice.Service
	DVDV         *dvdv.Directory // with Delivery
	Counselling  *counsellingstore.Store
	Appointments *appointments.Store // with Counselling
	Applications *forms.Store
}

// Console is the console: the shell and the page packages it composes.
// Its one route table is in routes.go.
type Console struct {
	shell        *ui.Shell
	core         *core.Pages
	portal       *portalconfig.Pages
	market       *market.Pages       // nil without Deps.Marketplace
	onboarding   *onboarding.Pages   // nil without Deps.Onboarding
	delivery     *delivery.Pages     // nil without Deps.Delivery
	counselling  *counselling.Pages  // nil without Deps.Counselling
	applications *applications.Pages // nil without Deps.Applications

	// uploadLimit is the body limit of an onboarding attachment upload.
	uploadLimit int64
}

// New parses every page package's templates and returns the console. A
// broken template stops the start.
func New(d Deps) (*Console, error) {
	s, err := ui.New(ui.Deps{Store: d.Store, Authz: d.Authz, Auth: d.Auth, Outbox: d.Outbox, Jobs: d.Jobs, Assets: d.Assets,
		Logger: d.Logger, BaseURL: d.BaseURL, FormTokens: d.FormTokens, NoSMTP: d.NoSMTP, Demo: d.Demo})
	if err != nil {
		return nil, err
	}
	c := &Console{shell: s}
	if c.core, err = core.New(s); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if d.Onboarding != nil {
		c.core.StreamLabels = d.Onboarding.Antragsstrecken // names in the audit log's sentences
	}
	if c.portal, err = portalconfig.New(s); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if d.Marketplace != nil {
		if c.market, err = market.New(s, d.Marketplace); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		if d.Onboarding != nil {
			c.market.WithOnboarding(d.Onboarding)
		}
	}
	if d.Onboarding != nil {
		var failed onboarding.Deliveries
		if d.Delivery != nil {
			failed = d.Delivery
		}
		if c.onboarding, err = onboarding.New(s, d.Onboarding, failed); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
		c.uploadLimit = d.Onboarding.MaxAttachmentBytes() + 64<<10
	}
	if d.Delivery != nil {
		if c.delivery, err = delivery.New(s, d.Delivery, d.DVDV); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
	}
	if d.Counselling != nil {
		if c.counselling, err = counselling.New(s, d.Counselling, d.Appointments); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
	}
	if d.Applications != nil {
		if c.applications, err = applications.New(s, d.Applications, d.Delivery); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
	}
	// The start page's work lists ("Aufgaben", "Erste Schritte").
	w := &workLists{shell: s, market: d.Marketplace, onboarding: d.Onboarding, delivery: d.Delivery, dir: d.DVDV, counselling: d.Counselling}
	s.AddTasks(w.ministry)
	s.AddTasks(w.municipality)
	return c, nil
}

// Register adds the console's routes (Routes) to mux.
func (c *Console) Register(mux *http.ServeMux) { web.Register(mux, c.Routes()) }
