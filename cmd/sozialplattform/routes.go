package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/portal/citizen"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/web"
)

// transportRoutes is the server's own route table: the endpoints that are
// no surface's pages – static files, the API documentation, the
// FIT-Connect callback, the SAML endpoints of the Servicekonto, health,
// readiness and metrics – and the citizen portal, which takes every path
// no other table claims and has its own table (portal/www/routes.go).
func (a *app) transportRoutes(assets *web.Assets, docs, metrics http.Handler) []web.Route {
	routes := []web.Route{
		{Method: http.MethodGet, Pattern: web.StaticPrefix, Handler: assets.Handler(), Public: true,
			Reason: "KERN UX styles and fonts, fingerprinted"},
		{Method: http.MethodGet, Pattern: "/api/docs", Handler: docs, Public: true,
			Reason: "the API documentation is public"},
		{Method: http.MethodPost, Pattern: delivery.CallbackPath, Handler: a.delivery.CallbackHandler(), Login: web.Signed,
			Access: "HMAC-SHA512 signature with --fitconnect-callback-secret",
			Reason: "FIT-Connect calls back server to server; the signature replaces login and form token"},
		{Method: http.MethodGet, Pattern: "/healthz", Handler: http.HandlerFunc(healthz), Public: true,
			Reason: "liveness probe of the orchestrator"},
		{Method: http.MethodGet, Pattern: "/readyz", Handler: http.HandlerFunc(a.readyz), Public: true,
			Reason: "readiness probe of the orchestrator; says only whether the database answers"},
		{Method: http.MethodGet, Pattern: "/metrics", Handler: metrics, Login: web.Signed,
			Access: "Bearer --metrics-token, or from this host only (web.MetricsAccess)"},
		{Method: http.MethodGet, Pattern: "/static/portal/", Handler: a.portal.Static(), Public: true,
			Reason: "the portal's own styles, fingerprinted"},
		{Pattern: "/", Handler: a.portal.Sites(), Public: true,
			Reason: "the citizen portal; its own table (portal/www/routes.go) guards each page"},
	}
	if a.saml != nil {
		routes = append(routes,
			web.Route{Method: http.MethodGet, Pattern: citizen.MetadataPath, Handler: http.HandlerFunc(a.saml.Metadata), Public: true,
				Reason: "the identity provider reads the service provider's metadata"},
			web.Route{Method: http.MethodPost, Pattern: citizen.ACSPath, Handler: http.HandlerFunc(a.saml.ACS), Login: web.Signed,
				Access: "a signed (and encrypted) SAML assertion for a request of this browser",
				Reason: "the identity provider posts from its own site by design; exempt from the cross-origin protection (exceptACS)"})
	}
	return routes
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
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
}

// apiRoutes is the JSON API's route table, read from its operations: huma
// registers them itself, and each declares its access (api.Access, enforced
// by api.Guard) and body limit; the table states them in the form of the
// other surfaces' tables, for their common checks and the body limits.
func apiRoutes(humaAPI huma.API, prefix string) []web.Route {
	var routes []web.Route
	for path, item := range humaAPI.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			r := web.Route{Method: op.Method, Pattern: prefix + path, Handler: humaAPI.Adapter(), BodyLimit: op.MaxBodyBytes,
				Reason: "JSON API: bearer token or session cookie; JSON bodies, and the cross-origin protection refuses other sites' requests"}
			switch access, _ := api.AccessOf(op); {
			case access.Public:
				r.Public = true
				r.Reason = "declared public by the API (" + op.OperationID + "); " + r.Reason
			default:
				r.Login, r.Access = web.Client, apiAccess(access)
			}
			// The API's paths name their own secrets ({token}); the access
			// log redacts by those names.
			r.Secret = r.HasSecretSegment()
			routes = append(routes, r)
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].Key() < routes[j].Key() })
	return routes
}

// apiAccess states an operation's access declaration in the table's words.
func apiAccess(a api.Access) string {
	switch {
	case a.Obj == "":
		return "any principal; the handler narrows to its own data"
	case a.TenantParam != "":
		return a.Obj + ":" + a.Act + " in {" + a.TenantParam + "}"
	}
	return a.Obj + ":" + a.Act + " in some tenant; the handler narrows"
}
