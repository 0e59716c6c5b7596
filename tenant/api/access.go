package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// Access declares who may call an operation.
type Access struct {
	// Public operations need no principal (login, registration, invitation
	// acceptance). Handlers of public operations check what they need.
	Public bool
	// Obj and Act name the permission the caller needs.
	Obj, Act string
	// TenantParam names the path parameter holding the tenant ID. Then the
	// permission must hold in that tenant (403 otherwise, 404 when the
	// tenant does not exist). Without it the permission must hold in at
	// least one tenant, and the handler narrows to those tenants or checks
	// the object's tenant itself (answering 404 for other tenants' objects).
	TenantParam string
}

const accessKey = "access"

// Register adds an operation with its access declaration.
func Register[I, O any](api huma.API, op huma.Operation, access Access, handler func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[accessKey] = access
	if access.Public {
		// Declared empty rather than left out: the document then says
		// that no login is needed, instead of leaving it open. (A public
		// operation that checks a login itself, such as a citizen's own
		// list, declares that login.)
		if op.Security == nil {
			op.Security = []map[string][]string{}
		}
	} else {
		op.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
		op.Errors = append(op.Errors, http.StatusUnauthorized, http.StatusForbidden)
	}
	op.Middlewares = append(op.Middlewares, keepURL)
	huma.Register(api, op, handler)
}

// AccessOf returns the access declaration of an operation.
func AccessOf(op *huma.Operation) (Access, bool) {
	a, ok := op.Metadata[accessKey].(Access)
	return a, ok
}

// Guard enforces the operations' Access declarations. An operation without
// one is refused: access control fails closed.
type Guard struct {
	api   huma.API
	authz *authz.Authorizer
	store *tenant.Store
}

// NewGuard returns the middleware for api.
func NewGuard(api huma.API, az *authz.Authorizer, store *tenant.Store) *Guard {
	return &Guard{api: api, authz: az, store: store}
}

// Middleware is the huma middleware.
func (g *Guard) Middleware(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	access, ok := AccessOf(op)
	if !ok {
		huma.WriteErr(g.api, ctx, http.StatusInternalServerError, fmt.Sprintf("operation %s declares no access rule", op.OperationID))
		return
	}
	if access.Public {
		next(ctx)
		return
	}
	p := authz.PrincipalFrom(ctx.Context())
	if p.IsZero() {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="sozialplattform"`)
		huma.WriteErr(g.api, ctx, http.StatusUnauthorized, "Bitte melden Sie sich an oder senden Sie ein API-Token.")
		return
	}
	if access.TenantParam != "" {
		tenantID := ctx.Param(access.TenantParam)
		// The authorizer's tree knows every tenant it was loaded with;
		// only one it does not know (just created elsewhere, or none at
		// all) costs a query.
		if !g.authz.Known(tenantID) {
			if _, err := g.store.GetTenant(ctx.Context(), tenantID); err != nil {
				huma.WriteErr(g.api, ctx, http.StatusNotFound, "Diese Körperschaft gibt es nicht.")
				return
			}
		}
		if !g.authz.Allowed(p, tenantID, access.Obj, access.Act) {
			huma.WriteErr(g.api, ctx, http.StatusForbidden, "Dafür fehlt Ihnen die Berechtigung in dieser Körperschaft.")
			return
		}
		next(ctx)
		return
	}
	if access.Obj != "" && !g.authz.AllowedAnywhere(p, access.Obj, access.Act) {
		huma.WriteErr(g.api, ctx, http.StatusForbidden, "Dafür fehlt Ihnen die Berechtigung.")
		return
	}
	next(ctx)
}

// MustDeclareAccess fails when an operation of api has no Access: a test
// and the server's start call it, so that no route slips through unguarded.
func MustDeclareAccess(api huma.API) error {
	for path, item := range api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			if _, ok := AccessOf(op); !ok {
				return fmt.Errorf("operation %s %s declares no access rule", op.Method, path)
			}
		}
	}
	return nil
}
