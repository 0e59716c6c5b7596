package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/counselling"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type reviewInput struct {
	CentreID string `path:"centreId" maxLength:"64"`
	Body     struct {
		Version  int    `json:"version" minimum:"1" doc:"Nummer der wartenden Fassung (pendingVersion)"`
		Decision string `json:"decision" enum:"approve,reject"`
		Comment  string `json:"comment,omitempty" maxLength:"2000" doc:"bei Ablehnung Pflicht; geht an die Beratungsstelle"`
	}
}

type settingsOutput struct {
	Body counselling.Settings
}

type settingsInput struct {
	Body struct {
		ReviewRequired bool `json:"reviewRequired" doc:"Änderungen von Beratungsstellen und Kommunen erst nach Prüfung durch die Landesredaktion veröffentlichen"`
	}
}

func (a *API) registerReview(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "reviewCounsellingCentre", Method: http.MethodPost, Path: "/v1/counselling-centres/{centreId}/review", Tags: []string{tagCentres},
		Summary:     "Wartende Fassung prüfen",
		Description: "Für die Landesredaktion: veröffentlichen (approve) oder mit Begründung ablehnen (reject). Die Redaktion der Beratungsstelle erhält eine E-Mail.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: counselling.ObjReview, Act: authz.Update}, func(ctx context.Context, in *reviewInput) (*centreOutput, error) {
		if !a.authz.Allowed(authz.PrincipalFrom(ctx), in.CentreID, counselling.ObjReview, authz.Update) {
			return nil, huma.Error404NotFound("Nicht gefunden.")
		}
		c, err := a.store.Review(ctx, in.CentreID, in.Body.Version, in.Body.Decision == "approve", in.Body.Comment)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &centreOutput{Body: c}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "listCounsellingReviews", Method: http.MethodGet, Path: "/v1/counselling-reviews", Tags: []string{tagCentres},
		Summary:     "Wartende Änderungen",
		Description: "Für die Landesredaktion: die Einträge, deren neueste Fassung auf Prüfung wartet, nach Name.",
	}, coreapi.Access{Obj: counselling.ObjReview, Act: authz.Read}, func(ctx context.Context, in *coreapi.PageQuery) (*centrePage, error) {
		return a.centrePage(ctx, counselling.ListFilter{TenantIDs: a.authz.Tenants(authz.PrincipalFrom(ctx), counselling.ObjReview, authz.Read),
			State: counselling.StatePending}, *in, "counselling-reviews")
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "getCounsellingSettings", Method: http.MethodGet, Path: "/v1/counselling-settings", Tags: []string{tagCentres},
		Summary: "Einstellungen des Verzeichnisses",
	}, coreapi.Access{Obj: counselling.ObjSettings, Act: authz.Read}, func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
		s, err := a.store.Settings(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &settingsOutput{Body: s}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "setCounsellingSettings", Method: http.MethodPut, Path: "/v1/counselling-settings", Tags: []string{tagCentres},
		Summary:     "Prüfung ein- oder ausschalten",
		Description: "Für das Ministerium. Wartende Fassungen bleiben nach dem Ausschalten zur Entscheidung stehen.",
	}, coreapi.Access{Obj: counselling.ObjSettings, Act: authz.Update}, func(ctx context.Context, in *settingsInput) (*settingsOutput, error) {
		s, err := a.store.SetReviewRequired(ctx, in.Body.ReviewRequired)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &settingsOutput{Body: s}, nil
	})
}
