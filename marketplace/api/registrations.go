package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
)

type registerInput struct {
	Body struct {
		AuthorityName   string `json:"authorityName" maxLength:"200" doc:"Name der Behörde, z. B. Salzlandkreis"`
		OfficialKey     string `json:"officialKey" maxLength:"14" doc:"Kreisschlüssel (5 Ziffern) oder amtlicher Gemeindeschlüssel (8 Ziffern) in Sachsen-Anhalt"`
		FunctionMailbox string `json:"functionMailbox" maxLength:"254" doc:"Funktionspostfach der Behörde, kein persönliches Postfach"`
		Street          string `json:"street" maxLength:"200"`
		PostalCode      string `json:"postalCode" maxLength:"5"`
		City            string `json:"city" maxLength:"200"`
		ContactName     string `json:"contactName" maxLength:"200" doc:"Ansprechperson"`
		ContactPhone    string `json:"contactPhone,omitempty" maxLength:"40"` // phone.MaxLen
		AcceptTerms     bool   `json:"acceptTerms" doc:"Nutzungsbedingungen akzeptiert; muss true sein"`
	}
}

type registrationOutput struct{ Body *marketplace.Registration }

type confirmInput struct {
	Body struct {
		Token string `json:"token" minLength:"1" maxLength:"200" doc:"das Geheimnis aus dem Bestätigungslink"`
	}
}

type listRegistrationsInput struct {
	State string `query:"state" enum:"unbestaetigt,bestaetigt,aktiviert,abgelehnt,abgelaufen" doc:"nur Registrierungen in diesem Stand"`
	coreapi.PageQuery
}

type listRegistrationsOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []marketplace.Registration `json:"items"`
		coreapi.PageBody
	}
}

type registrationPathInput struct {
	RegistrationID string `path:"registrationId" maxLength:"64"`
}

type activationOutput struct {
	Body struct {
		Registration *marketplace.Registration `json:"registration"`
		Tenant       *tenant.Tenant            `json:"tenant"`
		Invitation   *tenant.Invitation        `json:"invitation" doc:"die Einladung des ersten Administrators an das Funktionspostfach"`
	}
}

type rejectInput struct {
	RegistrationID string `path:"registrationId" maxLength:"64"`
	Body           struct {
		Reason string `json:"reason" maxLength:"1000" doc:"Begründung; die Behörde erhält sie per E-Mail"`
	}
}

func (a *API) registerRegistrations(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "createRegistration", Method: http.MethodPost, Path: "/v1/registrations", Tags: []string{tagRegistrations},
		Summary: "Behörde registrieren",
		Description: "Registriert eine Behörde mit ihrem Funktionspostfach; dorthin geht ein Bestätigungslink, der einmal gilt und nach 72 Stunden abläuft. " +
			"Persönlich wirkende oder ungültige Postfächer und unbekannte Schlüssel werden mit 422 abgelehnt, eine zweite Registrierung derselben Behörde mit 409.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *registerInput) (*registrationOutput, error) {
		b := in.Body
		r, _, err := a.store.Register(ctx, marketplace.RegistrationInput{AuthorityName: b.AuthorityName, OfficialKey: b.OfficialKey,
			FunctionMailbox: b.FunctionMailbox, Street: b.Street, PostalCode: b.PostalCode, City: b.City,
			ContactName: b.ContactName, ContactPhone: b.ContactPhone, AcceptTerms: b.AcceptTerms})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &registrationOutput{Body: r}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "confirmRegistration", Method: http.MethodPost, Path: "/v1/registrations/confirm", Tags: []string{tagRegistrations},
		Summary:     "Funktionspostfach bestätigen",
		Description: "Bestätigt das Funktionspostfach mit dem Geheimnis aus dem Link der E-Mail. Ein abgelaufener oder schon benutzter Link antwortet 410 und sagt, was davon.",
		Errors:      []int{http.StatusGone},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *confirmInput) (*registrationOutput, error) {
		r, err := a.store.ConfirmRegistration(ctx, in.Body.Token)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &registrationOutput{Body: r}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "listRegistrations", Method: http.MethodGet, Path: "/v1/registrations", Tags: []string{tagRegistrations},
		Summary: "Registrierungen", Description: "Nur das Ministerium: alle Registrierungen, die neuesten zuerst.",
	}, coreapi.Access{Obj: marketplace.ObjRegistration, Act: authz.Read}, func(ctx context.Context, in *listRegistrationsInput) (*listRegistrationsOutput, error) {
		if err := a.requireMinistry(ctx, marketplace.ObjRegistration, authz.Read); err != nil {
			return nil, err
		}
		p, err := coreapi.PageOf[keyset.TimeKey](in.PageQuery, "registrations")
		if err != nil {
			return nil, err
		}
		rows, err := a.store.ListRegistrationsPage(ctx, marketplace.RegistrationFilter{State: marketplace.RegistrationState(in.State)}, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &listRegistrationsOutput{}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "registrations", rows, p, marketplace.Registration.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "activateRegistration", Method: http.MethodPost, Path: "/v1/registrations/{registrationId}/activate", Tags: []string{tagRegistrations},
		Summary: "Registrierung freischalten",
		Description: "Nur das Ministerium, nur bestätigte Registrierungen: legt die Körperschaft an (oder nimmt die bestehende ohne Mitglieder), " +
			"lädt das Funktionspostfach als erste Administration ein und schickt die Freischaltungs-E-Mail – in einer Transaktion.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjRegistration, Act: authz.Update}, func(ctx context.Context, in *registrationPathInput) (*activationOutput, error) {
		if err := a.requireMinistry(ctx, marketplace.ObjRegistration, authz.Update); err != nil {
			return nil, err
		}
		act, err := a.store.ActivateRegistration(ctx, in.RegistrationID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &activationOutput{}
		out.Body.Registration, out.Body.Tenant, out.Body.Invitation = act.Registration, act.Tenant, act.Invitation
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "rejectRegistration", Method: http.MethodPost, Path: "/v1/registrations/{registrationId}/reject", Tags: []string{tagRegistrations},
		Summary: "Registrierung ablehnen", Description: "Nur das Ministerium; die Begründung ist Pflicht und geht per E-Mail an das Funktionspostfach.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: marketplace.ObjRegistration, Act: authz.Update}, func(ctx context.Context, in *rejectInput) (*registrationOutput, error) {
		if err := a.requireMinistry(ctx, marketplace.ObjRegistration, authz.Update); err != nil {
			return nil, err
		}
		r, err := a.store.RejectRegistration(ctx, in.RegistrationID, in.Body.Reason)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &registrationOutput{Body: r}, nil
	})
}
