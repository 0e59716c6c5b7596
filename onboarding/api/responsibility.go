package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type responsibilitiesInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
}

type responsibilitiesOutput struct {
	Body struct {
		KreisKey string                      `json:"kreisKey" doc:"Kreisschlüssel des Landkreises oder der kreisfreien Stadt"`
		Items    []onboarding.Responsibility `json:"items"`
	}
}

type putResponsibilitiesInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		Delegated []string `json:"delegated" maxItems:"50" doc:"Schlüssel der Antragsstrecken, die der Landkreis seinen Gemeinden übertragen hat; alle übrigen bleiben beim Landkreis"`
	}
}

// kreisOf loads the tenant of the path and checks that it is a Landkreis
// or a kreisfreie Stadt.
func (a *API) kreisOf(ctx context.Context, id string) (string, error) {
	t, err := a.tenants.GetTenant(ctx, id)
	if err != nil {
		return "", a.problem(ctx, err)
	}
	if t.Kind != tenant.KindLandkreis && t.Kind != tenant.KindKreisfreieStadt {
		return "", huma.Error422UnprocessableEntity("Zuständigkeiten legt ein Landkreis oder eine kreisfreie Stadt fest; "+t.Name+" ist "+t.Kind.Label()+".",
			&huma.ErrorDetail{Location: "path.tenantId", Message: "kein Landkreis und keine kreisfreie Stadt"})
	}
	return t.Key(), nil
}

func (a *API) registerResponsibilities(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listResponsibilities", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/responsibilities", Tags: []string{tagCases},
		Extensions: map[string]any{coreapi.UnpagedKey: "eine Zuständigkeit je Antragsstrecke: höchstens so viele wie der Katalog"},
		Summary:    "Zuständigkeit je Antragsstrecke",
		Description: "Wer für die Bürgerinnen und Bürger der Gemeinden eines Landkreises zuständig ist: nach Gesetz der Landkreis (SGB XII, AsylbLG, BuT …), " +
			"bei Übertragung an die Gemeinden die Gemeinde. Das Bürgerportal einer Gemeinde leitet danach zum Onlinedienst der zuständigen Stelle.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjResponsibility, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *responsibilitiesInput) (*responsibilitiesOutput, error) {
		key, err := a.kreisOf(ctx, in.TenantID)
		if err != nil {
			return nil, err
		}
		items, err := a.store.Responsibilities(ctx, key)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &responsibilitiesOutput{}
		out.Body.KreisKey, out.Body.Items = key, items
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putResponsibilities", Method: http.MethodPut, Path: "/v1/tenants/{tenantId}/responsibilities", Tags: []string{tagCases},
		Summary:     "Antragsstrecken an die Gemeinden übertragen",
		Description: "Ersetzt die Liste der Antragsstrecken, die der Landkreis seinen Gemeinden übertragen hat (leer: alle beim Landkreis). Wird protokolliert.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjResponsibility, Act: authz.Update, TenantParam: "tenantId"}, func(ctx context.Context, in *putResponsibilitiesInput) (*responsibilitiesOutput, error) {
		key, err := a.kreisOf(ctx, in.TenantID)
		if err != nil {
			return nil, err
		}
		items, err := a.store.SetDelegations(ctx, key, in.Body.Delegated)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &responsibilitiesOutput{}
		out.Body.KreisKey, out.Body.Items = key, items
		return out, nil
	})
}
