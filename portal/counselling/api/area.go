package api

import (
	"bytes"
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/counselling"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

type areaInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	State    string `query:"state" enum:"published,pending,rejected,draft" doc:"nur Einträge in diesem Stand"`
	Outdated bool   `query:"outdated" doc:"nur Einträge, die seit über einem Jahr nicht bestätigt wurden"`
	Q        string `query:"q" maxLength:"100" doc:"Teil des Namens"`
	Format   string `query:"format" enum:"json,csv" doc:"csv liefert den Export (UTF-8 mit BOM, Semikolon, feste Spalten), immer vollständig: limit und cursor gelten nur für JSON"`
	coreapi.PageQuery
}

// centreItems is a page of centres.
type centreItems struct {
	Items []counselling.Centre `json:"items"`
	coreapi.PageBody
}

type centrePage struct {
	coreapi.PageHeaders
	Body centreItems
}

type pagedCSVOrJSON struct {
	coreapi.PageHeaders
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

type csvOrJSON struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

type createInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     counselling.Entry
}

type importInput struct {
	TenantID     string `path:"tenantId" maxLength:"64"`
	AllOrNothing bool   `query:"allOrNothing" doc:"nichts speichern, wenn eine Zeile abgelehnt wird"`
	DryRun       bool   `query:"dryRun" doc:"nur prüfen, nichts speichern"`
	RawBody      []byte `contentType:"text/csv"`
}

type importOutput struct {
	Body *counselling.ImportReport
}

// centrePage answers one page of the centres f matches in listing.
func (a *API) centrePage(ctx context.Context, f counselling.ListFilter, q coreapi.PageQuery, listing string) (*centrePage, error) {
	p, err := coreapi.PageOf[counselling.CentreKey](q, listing)
	if err != nil {
		return nil, err
	}
	f.Page = &p
	rows, err := a.store.List(ctx, f)
	if err != nil {
		return nil, a.problem(ctx, err)
	}
	out := &centrePage{}
	var pg coreapi.Page
	if out.Body.Items, pg, err = coreapi.NextPage(ctx, listing, rows, p, counselling.Centre.PageKey); err != nil {
		return nil, a.problem(ctx, err)
	}
	out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
	return out, nil
}

func (a *API) registerArea(api huma.API) {
	list := huma.Operation{
		OperationID: "listAreaCounsellingCentres", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/counselling-centres", Tags: []string{tagCentres},
		Summary: "Beratungsstellen im Gebiet",
		Description: "Für Ministerium und Kommunen: die Beratungsstellen unter der Körperschaft mit Arbeitsstand, Prüfstand und Aktualität " +
			"(`outdated=true` ist die Liste der veralteten Einträge für die Landesredaktion). `format=csv` liefert den Export.",
	}
	list.Responses = map[string]*huma.Response{"200": {Description: "Beratungsstellen", Content: map[string]*huma.MediaType{
		"application/json": {Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(centreItems{}), true, "")},
		"text/csv":         {Schema: &huma.Schema{Type: "string"}},
	}}}
	coreapi.Register(api, list, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Read, TenantParam: "tenantId"},
		func(ctx context.Context, in *areaInput) (*pagedCSVOrJSON, error) {
			f := counselling.ListFilter{Below: a.below(ctx, in.TenantID, counselling.ObjCentre, authz.Read), State: in.State, Outdated: in.Outdated, Query: in.Q}
			if in.Format == "csv" {
				var buf bytes.Buffer
				if err := a.store.ExportCSV(ctx, &buf, f); err != nil {
					return nil, a.problem(ctx, err)
				}
				return &pagedCSVOrJSON{ContentType: "text/csv; charset=utf-8", ContentDisposition: download.Attachment("beratungsstellen.csv"), Body: buf.Bytes()}, nil
			}
			page, err := a.centrePage(ctx, f, in.PageQuery, "area-centres")
			if err != nil {
				return nil, err
			}
			return &pagedCSVOrJSON{PageHeaders: page.PageHeaders, ContentType: "application/json", Body: page.Body}, nil
		})

	coreapi.Register(api, huma.Operation{
		OperationID: "createCounsellingCentre", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/counselling-centres", Tags: []string{tagCentres},
		Summary: "Beratungsstelle anlegen",
		Description: "Legt unter der Körperschaft (Kommune oder Land) eine Organisation mit dem Eintrag an. Die Redaktion der Beratungsstelle lädt " +
			"man danach mit der Rolle counselling-editor ein (POST /v1/tenants/{id}/invitations).",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *createInput) (*centreOutput, error) {
		c, err := a.store.Create(ctx, counselling.CreateInput{ParentID: in.TenantID, Entry: in.Body, Direct: a.direct(ctx, in.TenantID)})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &centreOutput{Body: c}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "importCounsellingCentres", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/counselling-centres/import", Tags: []string{tagCentres},
		Summary: "Beratungsstellen aus CSV importieren",
		Description: "CSV wie der Export (UTF-8 mit oder ohne BOM, Semikolon, Kopfzeile mit den festen Spalten). Zeilen mit `id` ändern diese " +
			"Beratungsstelle, Zeilen ohne legen eine neue unter `uebergeordnet` (Schlüssel, Kurzname oder ID) oder unter dieser Körperschaft an. " +
			"Jede Zeile wird zuerst geprüft; die gültigen werden in einer Transaktion gespeichert, die abgelehnten mit Zeilennummer und Gründen " +
			"gemeldet. `allOrNothing=true` speichert nichts, sobald eine Zeile abgelehnt wird; `dryRun=true` prüft nur. Eine falsche Kopfzeile " +
			"ist 422 und ändert nichts.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *importInput) (*importOutput, error) {
		p := authz.PrincipalFrom(ctx)
		rep, err := a.store.ImportCSV(ctx, in.RawBody, counselling.ImportOptions{
			Parent: in.TenantID,
			MayCreate: func(id string) bool {
				return a.within(in.TenantID, id) && a.authz.Allowed(p, id, counselling.ObjCentre, authz.Create)
			},
			MayUpdate: func(id string) bool {
				return a.within(in.TenantID, id) && a.authz.Allowed(p, id, counselling.ObjCentre, authz.Update)
			},
			Direct:       a.direct(ctx, in.TenantID),
			AllOrNothing: in.AllOrNothing, DryRun: in.DryRun,
		})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &importOutput{Body: rep}, nil
	})
}

// within reports whether id is root or lies below it.
func (a *API) within(root, id string) bool {
	for _, t := range a.authz.Subtree(root) {
		if t == id {
			return true
		}
	}
	return false
}
