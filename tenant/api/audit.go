package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// AuditQuery filters audit listings.
type AuditQuery struct {
	ObjectType string    `query:"objectType" maxLength:"50" doc:"z. B. tenant, user, invitation, api-token"`
	Action     string    `query:"action" maxLength:"50" doc:"z. B. create, update, revoke"`
	Since      time.Time `query:"since" doc:"Einträge ab diesem Zeitpunkt (RFC 3339)"`
	Until      time.Time `query:"until" doc:"Einträge vor diesem Zeitpunkt (RFC 3339)"`
	PageQuery
}

type tenantAuditInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Subtree  bool   `query:"subtree" doc:"auch alle Körperschaften darunter"`
	AuditQuery
}

type auditOutput struct {
	PageHeaders
	Body struct {
		Items []tenant.AuditEntry `json:"items"`
		PageBody
	}
}

func (c *Core) registerAudit(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "listTenantAudit", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/audit", Tags: []string{tagAudit},
		Summary: "Änderungsprotokoll einer Körperschaft", Description: "Neueste Einträge zuerst; wer, wann, was, vorher/nachher – ohne Geheimnisse.",
	}, Access{Obj: authz.ObjAudit, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantAuditInput) (*auditOutput, error) {
		ids := []string{in.TenantID}
		if in.Subtree {
			ids = c.subtree(ctx, in.TenantID)
		}
		return c.listAudit(ctx, ids, in.AuditQuery)
	})
	Register(api, huma.Operation{
		OperationID: "listAudit", Method: http.MethodGet, Path: "/v1/audit", Tags: []string{tagAudit},
		Summary: "Änderungsprotokoll aller sichtbaren Körperschaften",
	}, Access{Obj: authz.ObjAudit, Act: authz.Read}, func(ctx context.Context, in *AuditQuery) (*auditOutput, error) {
		return c.listAudit(ctx, c.authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjAudit, authz.Read), *in)
	})
}

// subtree is the tenant and every tenant below it whose audit log the
// caller may read.
func (c *Core) subtree(ctx context.Context, tenantID string) []string {
	visible := map[string]bool{}
	for _, id := range c.authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjAudit, authz.Read) {
		visible[id] = true
	}
	out := []string{}
	for _, id := range c.authz.Subtree(tenantID) {
		if visible[id] {
			out = append(out, id)
		}
	}
	return out
}

func (c *Core) listAudit(ctx context.Context, ids []string, in AuditQuery) (*auditOutput, error) {
	p, err := PageOf[tenant.AuditKey](in.PageQuery, "audit")
	if err != nil {
		return nil, err
	}
	rows, err := c.store.ListAuditPage(ctx, tenant.AuditFilter{TenantIDs: ids, ObjectType: in.ObjectType, Action: in.Action,
		Since: in.Since, Until: in.Until}, p)
	if err != nil {
		return nil, Problem(ctx, c.logger, err)
	}
	out := &auditOutput{}
	var pg Page
	if out.Body.Items, pg, err = NextPage(ctx, "audit", rows, p, tenant.AuditEntry.PageKey); err != nil {
		return nil, Problem(ctx, c.logger, err)
	}
	out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
	return out, nil
}
