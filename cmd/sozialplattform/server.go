package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sozialplattform/admin"
	marketapi "sozialplattform/marketplace/api"
	onboardingapi "sozialplattform/onboarding/api"
	"sozialplattform/onboarding/delivery"
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
	counsellingapi.New(counsellingapi.Deps{Store: a.counsel, Appointments: a.appts, Tenants: a.store, Authz: a.authz, Logger: a.logger,
		BaseURL: a.cfg.BaseURL}).Register(humaAPI)
	formsapi.New(formsapi.Deps{Store: a.forms, Authz: a.authz, Logger: a.logger}).Register(humaAPI)
	if err := api.MustDeclareAccess(humaAPI); err != nil {
		return nil, err
	}
	return humaAPI, nil
}

// newHandler wires every route and the middleware around them.
func newHandler(a *app, reg *prometheus.Registry) (http.Handler, error) {
	mux := http.NewServeMux()
	humaAPI, err := newAPI(mux, a)
	if err != nil {
		return nil, err
	}
	assets, err := web.NewAssets()
	if err != nil {
		return nil, err
	}
	mux.Handle("GET "+web.StaticPrefix, assets.Handler())
	docs, err := api.DocsHandler(humaAPI, []string{assets.Path("kern/kern.min.css"), assets.Path("kern/fonts/fira-sans.css"), assets.Path("app.css")})
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /api/docs", docs)
	console, err := admin.New(admin.Deps{Store: a.store, Authz: a.authz, Auth: a.auth, Outbox: a.outbox, Jobs: a.jobs,
		Assets: assets, Logger: a.logger, BaseURL: a.cfg.BaseURL, NoSMTP: !a.cfg.SMTP.Enabled(),
		FormTokens: a.formTokens, Marketplace: a.market, Onboarding: a.onboard, Delivery: a.delivery, DVDV: a.dvdv,
		Counselling: a.counsel, Appointments: a.appts, Applications: a.forms})
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	console.Register(mux)
	if err := a.registerApplications(mux); err != nil { // before the portal serves: its application pages
		return nil, fmt.Errorf("applications: %w", err)
	}
	a.portal.Register(mux) // the citizen portal at "/" and /static/portal/
	mux.Handle("POST "+delivery.CallbackPath, a.delivery.CallbackHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.db.Ping(ctx); err != nil {
			a.logger.Warn("readiness check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ok")
	})
	metrics := web.NewMetrics(reg)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := web.RegisterDBStats(reg, "write", a.db.Write.DB); err != nil {
		return nil, err
	}
	if a.db.Read != a.db.Write {
		if err := web.RegisterDBStats(reg, "read", a.db.Read.DB); err != nil {
			return nil, err
		}
	}
	mux.Handle("GET /metrics", web.MetricsAccess(a.cfg.MetricsToken, a.cfg.TrustProxy)(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))

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
		web.Recover(a.logger),
		web.SecurityHeaders(web.HeaderOptions{HTTPS: a.cfg.secure()}),
		web.CheckURL,
		bodyLimit(a.onboard.MaxAttachmentBytes()+64<<10),
		exceptACS(crossOrigin),
		a.auth.Middleware,
		a.citizenSessions.Middleware(a.auth.Skip),
		web.CapturePattern,
	), nil
}

// bodyLimit caps request bodies at 1 MiB, except onboarding's attachment
// uploads (API and console), which get their own, larger limit: limits
// nest only downwards, so the upload routes need theirs out here.
func bodyLimit(upload int64) func(http.Handler) http.Handler {
	small, large := web.LimitBody(web.DefaultBodyLimit), web.LimitBody(upload)
	return func(next http.Handler) http.Handler {
		s, l := small(next), large(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := r.URL.Path
			if isApplicationUpload(r) {
				web.LimitBody(applicationUploadLimit)(next).ServeHTTP(w, r)
				return
			}
			if r.Method == http.MethodPost && ((strings.HasPrefix(p, "/api/v1/onboarding-cases/") && strings.HasSuffix(p, "/attachments")) ||
				(strings.HasPrefix(p, "/admin/anbindung/") && strings.HasSuffix(p, "/anhang"))) {
				l.ServeHTTP(w, r)
				return
			}
			s.ServeHTTP(w, r)
		})
	}
}
