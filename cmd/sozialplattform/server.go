package main

import (
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sozialplattform/admin"
	marketapi "sozialplattform/marketplace/api"
	onboardingapi "sozialplattform/onboarding/api"
	deliveryapi "sozialplattform/onboarding/delivery/api"
	counsellingapi "sozialplattform/portal/counselling/api"
	formsapi "sozialplattform/portal/forms/api"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/web"
)

// newAPI builds the huma API with every domain's operations. It is also
// what `sozialplattform openapi` prints.
func newAPI(mux *http.ServeMux, a *app) (huma.API, error) {
	cfg := huma.DefaultConfig("Sozialplattform Sachsen-Anhalt API", version)
	cfg.Info.Description = "JSON-API der Sozialplattform Sachsen-Anhalt: Körperschaften, Benutzer, Einladungen, API-Token und Protokoll. " +
		"Anmeldung per Sitzungs-Cookie (POST /api/v1/session) oder per Bearer-Token. Fehler als RFC 9457 problem+json."
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "" // served by api.DocsHandler: no CDN, no script
	cfg.Servers = []*huma.Server{{URL: a.cfg.BaseURL + "/api"}}
	cfg.Tags = append(cfg.Tags, api.Tags...)
	cfg.Tags = append(cfg.Tags, marketapi.Tags()...)
	cfg.Tags = append(cfg.Tags, onboardingapi.Tags()...)
	cfg.Tags = append(cfg.Tags, deliveryapi.Tags()...)
	cfg.Tags = append(cfg.Tags, counsellingapi.Tags()...)
	cfg.Tags = append(cfg.Tags, formsapi.Tags()...)
	cfg.Transformers = append(cfg.Transformers, api.BoundProblems)
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "API-Token einer Körperschaft (spt_…)"},
		"session": {Type: "apiKey", In: "cookie", Name: a.sessions.CookieName(), Description: "Sitzungs-Cookie nach POST /api/v1/session"},
	}
	humaAPI := humago.NewWithPrefix(mux, "/api", cfg)
	humaAPI.UseMiddleware(api.KeepHumaContext, api.NewGuard(humaAPI, a.authz, a.store).Middleware, api.CheckBodies(humaAPI))
	api.NewCore(api.Deps{Store: a.store, Authz: a.authz, Auth: a.auth, Outbox: a.outbox, Jobs: a.jobs, Logger: a.logger}).Register(humaAPI)
	marketapi.New(marketapi.Deps{Store: a.market, Authz: a.authz, Logger: a.logger}).Register(humaAPI)
	onboardingapi.New(onboardingapi.Deps{Store: a.onboard, Tenants: a.store, Authz: a.authz, Logger: a.logger}).Register(humaAPI)
	deliveryapi.New(deliveryapi.Deps{Service: a.delivery, Directory: a.dvdv, Authz: a.authz, Logger: a.logger}).Register(humaAPI)
	a.portal.RegisterAPI(humaAPI)
	counsellingapi.New(counsellingapi.Deps{Store: a.counsel, Appointments: a.appts, Tenants: a.store, Authz: a.authz, Logger: a.logger}).Register(humaAPI)
	formsapi.New(formsapi.Deps{Store: a.forms, Authz: a.authz, Logger: a.logger}).Register(humaAPI)
	if err := api.MustDeclareAccess(humaAPI); err != nil {
		return nil, err
	}
	return humaAPI, nil
}

// newHandler wires every route and the middleware around them. The
// routes come from the surfaces' tables – the console (admin/routes.go),
// the citizen portal (portal/www/routes.go), the API (its operations) and
// the server's own transport endpoints (routes.go) – and so do the body
// limits.
func newHandler(a *app, reg *prometheus.Registry) (http.Handler, error) {
	mux := http.NewServeMux()
	tables, err := a.routeTables(mux, reg) // the API's operations go onto mux
	if err != nil {
		return nil, err
	}
	a.routes = tables
	web.Register(mux, tables.console)
	web.Register(mux, tables.transport)
	metrics := web.NewMetrics(reg)
	crossOrigin, err := web.CrossOrigin([]string{a.cfg.BaseURL})
	if err != nil {
		return nil, err
	}
	a.auth.RequestID = func(r *http.Request) string { return web.RequestIDFrom(r.Context()) }
	a.auth.Skip = []string{"/healthz", "/readyz", "/metrics", web.StaticPrefix}
	return web.Chain(mux,
		web.RequestID,
		web.RealIP(a.cfg.TrustProxy),
		web.Logging(a.logger),
		metrics.Middleware,
		web.Compress(web.CompressOptions{}), // inside Logging and metrics: they count the bytes sent
		web.Recover(a.logger),
		web.SecurityHeaders(web.HeaderOptions{HTTPS: a.cfg.secure()}),
		web.CheckURL,
		web.BodyLimits(tables.console, tables.portal, tables.api, tables.transport),
		exceptACS(crossOrigin),
		a.auth.Middleware,
		a.citizenSessions.Middleware(a.auth.Skip),
		web.CapturePattern,
		api.ETags, // inside Compress, which suffixes the ETag of a compressed answer
	), nil
}

// routeTables are the server's route tables, one per surface.
type routeTables struct {
	console   []web.Route // admin/routes.go
	portal    []web.Route // portal/www/routes.go, below every site
	api       []web.Route // the API's operations, below /api
	transport []web.Route // routes.go
}

// routeTables builds every surface with its routes. huma registers the
// API's operations on apiMux itself.
func (a *app) routeTables(apiMux *http.ServeMux, reg *prometheus.Registry) (*routeTables, error) {
	humaAPI, err := newAPI(apiMux, a)
	if err != nil {
		return nil, err
	}
	assets := a.assets
	docs, err := api.DocsHandler(humaAPI, []string{assets.Path("kern/kern.min.css"), assets.Path("kern/fonts/fira-sans.css"), assets.Path("app.css")})
	if err != nil {
		return nil, err
	}
	console, err := admin.New(admin.Deps{Store: a.store, Authz: a.authz, Auth: a.auth, Outbox: a.outbox, Jobs: a.jobs,
		Assets: assets, Logger: a.logger, BaseURL: a.cfg.BaseURL, NoSMTP: !a.cfg.SMTP.Enabled(), Demo: a.cfg.Demo,
		FormTokens: a.formTokens, Marketplace: a.market, Onboarding: a.onboard, Delivery: a.delivery, DVDV: a.dvdv,
		Counselling: a.counsel, Appointments: a.appts, Applications: a.forms})
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if err := a.registerApplications(); err != nil { // the portal's application pages
		return nil, fmt.Errorf("applications: %w", err)
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := web.RegisterDBStats(reg, "write", a.db.Write.DB); err != nil {
		return nil, err
	}
	if a.db.Read != a.db.Write {
		if err := web.RegisterDBStats(reg, "read", a.db.Read.DB); err != nil {
			return nil, err
		}
	}
	metrics := web.MetricsAccess(a.cfg.MetricsToken, a.cfg.TrustProxy)(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return &routeTables{
		console:   console.Routes(),
		portal:    a.portal.ServerRoutes(),
		api:       apiRoutes(humaAPI, "/api"),
		transport: a.transportRoutes(assets, docs, metrics),
	}, nil
}
