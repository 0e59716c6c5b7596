package www

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/site"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// officeBody is what the API takes for a responsible office; the store
// validates it (address, phone and opening hours are required, because
// the portal sends citizens there).
type officeBody struct {
	Rechtskreis string `json:"rechtskreis" enum:"sgb2,sgb12,sgb14,asylblg,wogg,bkgg,bafoeg" doc:"Rechtskreis, für den die Stelle zuständig ist"`
	Name        string `json:"name" minLength:"1" maxLength:"200" doc:"z. B. „Wohngeldstelle des Landkreises Harz“"`
	Street      string `json:"street" maxLength:"200"`
	PostalCode  string `json:"postalCode" maxLength:"5"`
	City        string `json:"city" maxLength:"200"`
	Phone       string `json:"phone" maxLength:"40"`
	Email       string `json:"email,omitempty" maxLength:"254"`
	Website     string `json:"website,omitempty" maxLength:"500" doc:"https://…"`
	Hours       string `json:"hours" maxLength:"1000" doc:"Öffnungszeiten, z. B. „Di 9–12 Uhr und 13–18 Uhr“"`
}

func (b officeBody) office(tenantID, id string) *site.Office {
	return &site.Office{ID: id, TenantID: tenantID, Rechtskreis: b.Rechtskreis, Name: b.Name, Street: b.Street, PostalCode: b.PostalCode,
		City: b.City, Phone: b.Phone, Email: b.Email, Website: b.Website, Hours: b.Hours}
}

type officesOutput struct {
	Body struct {
		Items []site.Office `json:"items"`
	}
}

type addOfficeInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     officeBody
}

type officePathInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	OfficeID string `path:"officeId" maxLength:"64"`
}

type updateOfficeInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	OfficeID string `path:"officeId" maxLength:"64"`
	Body     officeBody
}

type officeOutput struct{ Body site.Office }

// registerOfficeAPI adds the responsible offices of a tenant: the
// ministry and the municipality itself maintain them (casbin object
// "portal"); every change is audited by the store.
func (p *Portal) registerOfficeAPI(hapi huma.API) {
	api.Register(hapi, huma.Operation{
		OperationID: "listPortalOffices", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/portal-offices", Tags: []string{tagPortal},
		Extensions:  map[string]any{api.UnpagedKey: "Zuständige Stellen einer Körperschaft: höchstens 50"},
		Summary:     "Zuständige Stellen",
		Description: "Die Stellen, die das Bürgerportal für die Leistungen eines Rechtskreises nennt (Jobcenter, Sozialamt, Wohngeldstelle, Familienkasse …), mit Anschrift, Telefon und Öffnungszeiten.",
	}, api.Access{Obj: ObjPortal, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *linksInput) (*officesOutput, error) {
		items, err := p.site.Offices(ctx, in.TenantID)
		if err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		out := &officesOutput{}
		out.Body.Items = append([]site.Office{}, items...)
		return out, nil
	})
	api.Register(hapi, huma.Operation{
		OperationID: "addPortalOffice", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/portal-offices", Tags: []string{tagPortal},
		Summary: "Zuständige Stelle eintragen", DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
		Description: "Anschrift (Straße, Postleitzahl, Ort), Telefon und Öffnungszeiten sind Pflicht; E-Mail und Webseite (https) sind freiwillig. Fehler: 422 mit dem Feld.",
	}, api.Access{Obj: ObjPortal, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *addOfficeInput) (*officeOutput, error) {
		o := in.Body.office(in.TenantID, "")
		if err := p.site.SaveOffice(ctx, o); err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		return &officeOutput{Body: *o}, nil
	})
	api.Register(hapi, huma.Operation{
		OperationID: "updatePortalOffice", Method: http.MethodPut, Path: "/v1/tenants/{tenantId}/portal-offices/{officeId}", Tags: []string{tagPortal},
		Summary: "Zuständige Stelle ändern", Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, api.Access{Obj: ObjPortal, Act: authz.Update, TenantParam: "tenantId"}, func(ctx context.Context, in *updateOfficeInput) (*officeOutput, error) {
		o := in.Body.office(in.TenantID, in.OfficeID)
		if err := p.site.SaveOffice(ctx, o); err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		// Answer the stored record (with its creation time).
		all, err := p.site.Offices(ctx, in.TenantID)
		if err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		for _, stored := range all {
			if stored.ID == o.ID {
				return &officeOutput{Body: stored}, nil
			}
		}
		return &officeOutput{Body: *o}, nil
	})
	api.Register(hapi, huma.Operation{
		OperationID: "deletePortalOffice", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/portal-offices/{officeId}", Tags: []string{tagPortal},
		Summary: "Zuständige Stelle entfernen", DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
	}, api.Access{Obj: ObjPortal, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *officePathInput) (*struct{}, error) {
		if err := p.site.DeleteOffice(ctx, in.TenantID, in.OfficeID); err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		return nil, nil
	})
}
