package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/counselling"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type centreInput struct {
	CentreID string `path:"centreId" maxLength:"64"`
}

type centreOutput struct {
	Body *counselling.Centre
}

// patchBody holds the fields a PATCH changes; absent fields stay.
type patchBody struct {
	Version        int                     `json:"version,omitempty" doc:"Version des Datensatzes (optimistisches Sperren); 0 = ohne Prüfung"`
	Name           *string                 `json:"name,omitempty" maxLength:"200"`
	Provider       *string                 `json:"provider,omitempty" maxLength:"200"`
	Description    *string                 `json:"description,omitempty" maxLength:"1000"`
	Topics         *[]string               `json:"topics,omitempty"`
	Addresses      *[]counselling.Address  `json:"addresses,omitempty"`
	ServiceArea    *[]string               `json:"serviceArea,omitempty"`
	OpeningHours   *[]counselling.Interval `json:"openingHours,omitempty"`
	EmergencyHours *[]counselling.Interval `json:"emergencyHours,omitempty"`
	Phone          *string                 `json:"phone,omitempty" maxLength:"40"`
	Email          *string                 `json:"email,omitempty" maxLength:"254"`
	Website        *string                 `json:"website,omitempty" maxLength:"300"`
	Languages      *[]string               `json:"languages,omitempty"`
	Accessibility  *[]string               `json:"accessibility,omitempty"`
	Ways           *[]string               `json:"ways,omitempty"`
	WaitingDays    *int                    `json:"waitingDays,omitempty" minimum:"-1" maximum:"365" doc:"-1 löscht die Angabe"`
	Insolvency305  *bool                   `json:"insolvency305,omitempty"`
}

func (p *patchBody) apply(e *counselling.Entry) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setList := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&e.Name, p.Name)
	set(&e.Provider, p.Provider)
	set(&e.Description, p.Description)
	set(&e.Phone, p.Phone)
	set(&e.Email, p.Email)
	set(&e.Website, p.Website)
	setList(&e.Topics, p.Topics)
	setList(&e.ServiceArea, p.ServiceArea)
	setList(&e.Languages, p.Languages)
	setList(&e.Accessibility, p.Accessibility)
	setList(&e.Ways, p.Ways)
	if p.Addresses != nil {
		e.Addresses = *p.Addresses
	}
	if p.OpeningHours != nil {
		e.OpeningHours = *p.OpeningHours
	}
	if p.EmergencyHours != nil {
		e.EmergencyHours = *p.EmergencyHours
	}
	if p.WaitingDays != nil {
		if *p.WaitingDays < 0 {
			e.WaitingDays = nil
		} else {
			d := *p.WaitingDays
			e.WaitingDays = &d
		}
	}
	if p.Insolvency305 != nil {
		e.Insolvency305 = *p.Insolvency305
	}
}

type patchInput struct {
	CentreID string `path:"centreId" maxLength:"64"`
	Body     patchBody
}

type versionsOutput struct {
	Body []counselling.Version
}

func (a *API) registerCentres(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "updateCounsellingCentre", Method: http.MethodPatch, Path: "/v1/counselling-centres/{centreId}", Tags: []string{tagCentres},
		Summary: "Eintrag ändern",
		Description: "Für die Redaktion der Beratungsstelle, die Kommune darüber und das Ministerium; andere erhalten 404. Nur die gesendeten Felder " +
			"ändern sich. Ist die Prüfung eingeschaltet, wartet die neue Fassung auf die Landesredaktion (state = pending) und die " +
			"Öffentlichkeit sieht weiter die veröffentlichte; Änderungen des Ministeriums gelten sofort.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Update}, func(ctx context.Context, in *patchInput) (*centreOutput, error) {
		c, err := a.centreFor(ctx, in.CentreID, authz.Update)
		if err != nil {
			return nil, err
		}
		e := c.Entry
		in.Body.apply(&e)
		c, err = a.store.Update(ctx, c.ID, counselling.UpdateInput{Version: in.Body.Version, Entry: e, Direct: a.direct(ctx, c.ID)})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &centreOutput{Body: c}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "getCounsellingCentreDraft", Method: http.MethodGet, Path: "/v1/counselling-centres/{centreId}/draft", Tags: []string{tagCentres},
		Summary:     "Arbeitsstand eines Eintrags",
		Description: "Die neueste Fassung (auch wartend oder abgelehnt, mit Anmerkung der Landesredaktion), der Stand der Prüfung und die Aktualität.",
		Errors:      []int{http.StatusNotFound},
	}, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Read}, func(ctx context.Context, in *centreInput) (*centreOutput, error) {
		c, err := a.centreFor(ctx, in.CentreID, authz.Read)
		if err != nil {
			return nil, err
		}
		return &centreOutput{Body: c}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "listCounsellingCentreVersions", Method: http.MethodGet, Path: "/v1/counselling-centres/{centreId}/versions", Tags: []string{tagCentres},
		Extensions:  map[string]any{coreapi.UnpagedKey: "Verlauf eines einzelnen Eintrags, wie die Ereignisse einer Bestellung Teil des Objekts"},
		Summary:     "Versionen eines Eintrags",
		Description: "Alle Fassungen, die neueste zuerst: wer wann was geändert hat (geänderte Felder mit altem und neuem Wert) und wie die Landesredaktion entschied.",
		Errors:      []int{http.StatusNotFound},
	}, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Read}, func(ctx context.Context, in *centreInput) (*versionsOutput, error) {
		c, err := a.centreFor(ctx, in.CentreID, authz.Read)
		if err != nil {
			return nil, err
		}
		vs, err := a.store.Versions(ctx, c.ID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &versionsOutput{Body: vs}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "verifyCounsellingCentre", Method: http.MethodPost, Path: "/v1/counselling-centres/{centreId}/verify", Tags: []string{tagCentres},
		Summary:     "Angaben bestätigen",
		Description: "Bestätigt, dass die veröffentlichten Angaben stimmen: „geprüft am“ wird heute, die Erinnerungen beginnen von vorn.",
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: counselling.ObjCentre, Act: authz.Update}, func(ctx context.Context, in *centreInput) (*centreOutput, error) {
		c, err := a.centreFor(ctx, in.CentreID, authz.Update)
		if err != nil {
			return nil, err
		}
		if c, err = a.store.Verify(ctx, c.ID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return &centreOutput{Body: c}, nil
	})
}
