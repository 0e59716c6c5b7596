package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// supportContactsUnpaged is why the lists of support contacts answer whole.
const supportContactsUnpaged = "Ansprechstellen der Anbindung: eine Handvoll, vom Ministerium gepflegt"

// SupportContactFields is what the ministry enters for a support contact,
// alike for adding and changing one (exported because huma reads the
// fields of an embedded struct only then). Name, role and mailbox are
// required, but checked by the store (onboarding.SupportContactInput.
// Validate), so that a missing one is named with the same German message
// as in the console.
type SupportContactFields struct {
	Name     string               `json:"name,omitempty" maxLength:"120" doc:"Name der Stelle (Pflicht), z. B. Anbindungssupport NRW"`
	Role     string               `json:"role,omitempty" maxLength:"500" doc:"wobei die Stelle hilft, in ein, zwei Sätzen (Pflicht)"`
	Mailbox  string               `json:"mailbox,omitempty" maxLength:"254" doc:"Funktionspostfach (Pflicht)"`
	Phone    string               `json:"phone,omitempty" maxLength:"60" doc:"Telefon, z. B. 0391 567-0"`
	Variants []onboarding.Variant `json:"variants,omitempty" maxItems:"3" minimum:"1" maximum:"3" doc:"Anbindungsvarianten, für die die Stelle zuständig ist (1 OSCI/XTA2, 2 OSCI-Client, 3 FIT-Connect); leer: alle"`
	Phases   []onboarding.Phase   `json:"phases,omitempty" maxItems:"3" enum:"preparation,connection-tests,production" doc:"Phasen, in denen sie begleitet; leer: alle"`
	Position int                  `json:"position,omitempty" minimum:"0" maximum:"999" doc:"Reihenfolge auf Fallseiten und in der Bestellbestätigung"`
}

func (f *SupportContactFields) input() onboarding.SupportContactInput {
	return onboarding.SupportContactInput{Name: f.Name, Role: f.Role, Mailbox: f.Mailbox, Phone: f.Phone,
		Variants: f.Variants, Phases: f.Phases, Position: f.Position}
}

type createSupportContactInput struct {
	Body SupportContactFields
}

type updateSupportContactInput struct {
	ID   string `path:"supportContactId" maxLength:"64"`
	Body struct {
		Version int `json:"version,omitempty" minimum:"0" doc:"Stand, auf dem die Änderung beruht (Pflicht); bei Abweichung 409"`
		SupportContactFields
	}
}

type supportContactPathInput struct {
	ID string `path:"supportContactId" maxLength:"64"`
}

type deleteSupportContactInput struct {
	ID      string `path:"supportContactId" maxLength:"64"`
	Version int    `query:"version" minimum:"0" doc:"Stand, der entfernt werden soll (Pflicht); bei Abweichung 409"`
}

type supportContactOutput struct{ Body *onboarding.SupportContact }

type supportContactsOutput struct {
	Body struct {
		Items []onboarding.SupportContact `json:"items"`
	}
}

type caseSupportContactsOutput struct {
	Body struct {
		CaseID  string                      `json:"caseId"`
		Variant onboarding.Variant          `json:"variant" doc:"Variante des Falls, 0 = noch nicht gewählt (dann gelten die Stellen aller Varianten)"`
		Phase   onboarding.Phase            `json:"phase" doc:"aktuelle Phase des Falls: die erste, die nicht abgeschlossen ist"`
		Items   []onboarding.SupportContact `json:"items"`
	}
}

func (a *API) registerSupportContacts(api huma.API) {
	obj, one := onboarding.ObjSupportContact, "/v1/support-contacts/{supportContactId}"
	read := coreapi.Access{Obj: obj, Act: authz.Read}
	// What a change and a removal say about the version they rest on.
	const versioned = "`version` ist Pflicht; wurde die Stelle zwischenzeitlich geändert, antwortet die API mit 409. Nur für das Ministerium."
	coreapi.Register(api, huma.Operation{
		OperationID: "listSupportContacts", Method: http.MethodGet, Path: "/v1/support-contacts", Tags: []string{tagSupportContacts},
		Extensions: map[string]any{coreapi.UnpagedKey: supportContactsUnpaged},
		Summary:    "Ansprechstellen", Description: "Alle Stellen in der Reihenfolge des Ministeriums (position, Name).",
	}, read, func(ctx context.Context, _ *struct{}) (*supportContactsOutput, error) {
		items, err := a.store.ListSupportContacts(ctx)
		out := &supportContactsOutput{}
		out.Body.Items = items
		return answer(a, ctx, out, err)
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getSupportContact", Method: http.MethodGet, Path: one, Tags: []string{tagSupportContacts},
		Summary: "Ansprechstelle lesen", Errors: []int{http.StatusNotFound},
	}, read, func(ctx context.Context, in *supportContactPathInput) (*supportContactOutput, error) {
		c, err := a.store.GetSupportContact(ctx, in.ID)
		return answer(a, ctx, &supportContactOutput{Body: c}, err)
	})
	registerLandChange(a, api, huma.Operation{
		OperationID: "createSupportContact", Method: http.MethodPost, Path: "/v1/support-contacts", Tags: []string{tagSupportContacts},
		Summary: "Ansprechstelle anlegen", Description: "Nur für das Ministerium. Falsche Angaben: 422 mit dem Feld.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, obj, authz.Create, func(ctx context.Context, in *createSupportContactInput) (*supportContactOutput, error) {
		c, err := a.store.CreateSupportContact(ctx, in.Body.input())
		return answer(a, ctx, &supportContactOutput{Body: c}, err)
	})
	registerLandChange(a, api, huma.Operation{
		OperationID: "updateSupportContact", Method: http.MethodPut, Path: one, Tags: []string{tagSupportContacts},
		Summary: "Ansprechstelle ändern", Description: "Ersetzt alle Angaben der Stelle. " + versioned,
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, obj, authz.Update, func(ctx context.Context, in *updateSupportContactInput) (*supportContactOutput, error) {
		if in.Body.Version == 0 {
			return nil, versionRequired("body.version")
		}
		c, err := a.store.UpdateSupportContact(ctx, in.ID, in.Body.Version, in.Body.input())
		return answer(a, ctx, &supportContactOutput{Body: c}, err)
	})
	registerLandChange(a, api, huma.Operation{
		OperationID: "deleteSupportContact", Method: http.MethodDelete, Path: one, Tags: []string{tagSupportContacts},
		Summary:       "Ansprechstelle entfernen",
		Description:   "Die Stelle erscheint danach auf keiner Fallseite und in keiner Bestellbestätigung mehr. " + versioned,
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, obj, authz.Delete, func(ctx context.Context, in *deleteSupportContactInput) (*struct{}, error) {
		if in.Version == 0 {
			return nil, versionRequired("query.version")
		}
		if err := a.store.DeleteSupportContact(ctx, in.ID, in.Version); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "listCaseSupportContacts", Method: http.MethodGet, Path: "/v1/onboarding-cases/{caseId}/support-contacts", Tags: []string{tagSupportContacts},
		Extensions: map[string]any{coreapi.UnpagedKey: supportContactsUnpaged},
		Summary:    "Ansprechstellen eines Anbindungsfalls",
		Description: "Die Stellen, die für Variante und aktuelle Phase des Falls zuständig sind – dieselben, die die Fallseite nennt. " +
			"Ein Fall einer Körperschaft, die der Aufrufer nicht sehen darf, ist nicht gefunden (404).",
		Errors: []int{http.StatusNotFound},
	}, read, func(ctx context.Context, in *casePathInput) (*caseSupportContactsOutput, error) {
		c, err := a.caseFor(ctx, in.CaseID, authz.Read)
		if err != nil {
			return nil, err
		}
		items, err := a.store.SupportContactsFor(ctx, c)
		out := &caseSupportContactsOutput{}
		out.Body.CaseID, out.Body.Variant, out.Body.Phase, out.Body.Items = c.ID, c.Variant, c.CurrentPhase(), items
		return answer(a, ctx, out, err)
	})
}
