package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type tenantOutput struct{ Body *tenant.Tenant }

type listTenantsInput struct {
	Kind     string `query:"kind" enum:"land,landkreis,kreisfreie-stadt,gemeinde,landesbehoerde,organisation" doc:"Nur Körperschaften dieser Art"`
	ParentID string `query:"parentId" maxLength:"64" doc:"Nur unmittelbar unter dieser Körperschaft"`
	Q        string `query:"q" maxLength:"100" doc:"Teil von Name, amtlichem Schlüssel oder Kurzname"`
	Active   string `query:"active" enum:"true,false" doc:"Nur aktive bzw. inaktive"`
	PageQuery
}

type listTenantsOutput struct {
	PageHeaders
	Body struct {
		Items []tenant.Tenant `json:"items"`
		PageBody
	}
}

// TenantFields are the changeable fields of a tenant, shared by create and update.
type TenantFields struct {
	Name            *string           `json:"name,omitempty" minLength:"1" maxLength:"200"`
	OfficialKey     *string           `json:"officialKey,omitempty" maxLength:"14" doc:"Land 2, Kreis 5, Gemeinde 8 Ziffern oder 12-stelliger ARS"`
	Slug            *string           `json:"slug,omitempty" maxLength:"100" doc:"Kurzname für Adressen, z. B. landkreis-harz"`
	FunctionMailbox *string           `json:"functionMailbox,omitempty" maxLength:"254" doc:"Funktionspostfach"`
	Street          *string           `json:"street,omitempty" maxLength:"200"`
	PostalCode      *string           `json:"postalCode,omitempty" maxLength:"5"`
	City            *string           `json:"city,omitempty" maxLength:"200"`
	Contacts        *[]tenant.Contact `json:"contacts,omitempty" maxItems:"20"`
	ITProvider      *string           `json:"itProvider,omitempty" maxLength:"200" doc:"IT-Dienstleister"`
	Active          *bool             `json:"active,omitempty"`
}

func (f TenantFields) patch() tenant.TenantPatch {
	return tenant.TenantPatch{Name: f.Name, OfficialKey: f.OfficialKey, Slug: f.Slug, FunctionMailbox: f.FunctionMailbox,
		Street: f.Street, PostalCode: f.PostalCode, City: f.City, Contacts: f.Contacts, ITProvider: f.ITProvider, Active: f.Active}
}

type createTenantInput struct {
	Body struct {
		ParentID string      `json:"parentId" maxLength:"64" doc:"Übergeordnete Körperschaft"`
		Kind     tenant.Kind `json:"kind" enum:"land,landkreis,kreisfreie-stadt,gemeinde,landesbehoerde,organisation"`
		TenantFields
	}
}

type tenantPathInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
}

type updateTenantInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		Version int `json:"version,omitempty" minimum:"0" doc:"Stand, auf dem die Änderung beruht; bei Abweichung 409"`
		TenantFields
	}
}

func (c *Core) registerTenants(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "listTenants", Method: http.MethodGet, Path: "/v1/tenants", Tags: []string{tagTenants},
		Summary: "Körperschaften auflisten", Description: "Alle Körperschaften, die der Aufrufer sehen darf: die eigenen und alle darunter; nach amtlichem Schlüssel, dann Name.",
	}, Access{Obj: authz.ObjTenant, Act: authz.Read}, func(ctx context.Context, in *listTenantsInput) (*listTenantsOutput, error) {
		f := tenant.TenantFilter{IDs: c.authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjTenant, authz.Read),
			Kind: tenant.Kind(in.Kind), ParentID: in.ParentID, Query: in.Q}
		if in.Active != "" {
			active := in.Active == "true"
			f.Active = &active
		}
		p, err := PageOf[tenant.TenantKey](in.PageQuery, "tenants")
		if err != nil {
			return nil, err
		}
		rows, err := c.store.ListTenantsPage(ctx, f, p)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &listTenantsOutput{}
		var pg Page
		if out.Body.Items, pg, err = NextPage(ctx, "tenants", rows, p, tenant.Tenant.PageKey); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "createTenant", Method: http.MethodPost, Path: "/v1/tenants", Tags: []string{tagTenants},
		Summary: "Körperschaft anlegen", Description: "Legt eine Körperschaft unter einer bestehenden an; der Aufrufer braucht das Recht dazu in der übergeordneten.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, Access{Obj: authz.ObjTenant, Act: authz.Create}, func(ctx context.Context, in *createTenantInput) (*tenantOutput, error) {
		p := authz.PrincipalFrom(ctx)
		if in.Body.ParentID == "" || !c.authz.Allowed(p, in.Body.ParentID, authz.ObjTenant, authz.Create) {
			return nil, huma.Error422UnprocessableEntity("Die übergeordnete Körperschaft fehlt oder liegt außerhalb Ihres Bereichs.",
				&huma.ErrorDetail{Location: "body.parentId", Message: "Bitte wählen Sie eine übergeordnete Körperschaft in Ihrem Bereich.", Value: in.Body.ParentID})
		}
		t := &tenant.Tenant{ParentID: &in.Body.ParentID, Kind: in.Body.Kind, Active: true}
		applyFields(t, in.Body.TenantFields)
		if err := c.store.CreateTenant(ctx, t); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &tenantOutput{Body: t}, nil
	})
	Register(api, huma.Operation{
		OperationID: "getTenant", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}", Tags: []string{tagTenants},
		Summary: "Körperschaft lesen",
	}, Access{Obj: authz.ObjTenant, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantPathInput) (*tenantOutput, error) {
		t, err := c.store.GetTenant(ctx, in.TenantID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &tenantOutput{Body: t}, nil
	})
	Register(api, huma.Operation{
		OperationID: "updateTenant", Method: http.MethodPatch, Path: "/v1/tenants/{tenantId}", Tags: []string{tagTenants},
		Summary: "Körperschaft ändern", Description: "Ändert die angegebenen Felder. Mit `version` wird geprüft, dass niemand zwischenzeitlich geändert hat (409).",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, Access{Obj: authz.ObjTenant, Act: authz.Update, TenantParam: "tenantId"}, func(ctx context.Context, in *updateTenantInput) (*tenantOutput, error) {
		p := authz.PrincipalFrom(ctx)
		// Only who may create tenants here may change what identifies one.
		if (in.Body.OfficialKey != nil || in.Body.Active != nil) && !c.authz.Allowed(p, in.TenantID, authz.ObjTenant, authz.Create) {
			return nil, huma.Error403Forbidden("Amtlicher Schlüssel und Aktivierung werden vom Ministerium gepflegt.")
		}
		t, err := c.store.UpdateTenant(ctx, in.TenantID, in.Body.Version, in.Body.patch())
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &tenantOutput{Body: t}, nil
	})
}

func applyFields(t *tenant.Tenant, f TenantFields) {
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if f.Name != nil {
		t.Name = *f.Name
	}
	t.OfficialKey = f.OfficialKey
	str(&t.Slug, f.Slug)
	str(&t.FunctionMailbox, f.FunctionMailbox)
	str(&t.Street, f.Street)
	str(&t.PostalCode, f.PostalCode)
	str(&t.City, f.City)
	str(&t.ITProvider, f.ITProvider)
	if f.Contacts != nil {
		t.Contacts = *f.Contacts
	}
	if f.Active != nil {
		t.Active = *f.Active
	}
}
