package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type listConsultationsInput struct {
	From   string `query:"from" maxLength:"10" doc:"ab Datum JJJJ-MM-TT (Standard: alle)"`
	To     string `query:"to" maxLength:"10" doc:"bis vor Datum JJJJ-MM-TT"`
	Kind   string `query:"kind" enum:"ozg,anbindung" doc:"nur eine Art: ozg (nummerierte OZG-Sprechstunde) oder anbindung (Anbindungs-Sprechstunde); leer: beide"`
	Format string `query:"format" enum:"json,csv" doc:"csv: alle Termine als Tabelle, immer vollständig: limit und cursor gelten nur für JSON"`
	coreapi.PageQuery
}

type consultationList struct {
	Rule  onboarding.ConsultationRule `json:"rule"`
	Items []onboarding.Consultation   `json:"items"`
	coreapi.PageBody
}

type createConsultationInput struct {
	Body struct {
		Kind            string    `json:"kind,omitempty" enum:"ozg,anbindung" doc:"ozg (Standard): OZG-Sprechstunde mit Nummer und Thema; anbindung: zusätzlicher Termin der Anbindungs-Sprechstunde ohne Nummer"`
		Number          int       `json:"number,omitempty" minimum:"0" doc:"laufende Nummer der OZG-Sprechstunde; leer: nächste. Die Anbindungs-Sprechstunde hat keine."`
		StartsAt        time.Time `json:"startsAt" doc:"Beginn (RFC 3339)"`
		DurationMinutes int       `json:"durationMinutes,omitempty" minimum:"0" maximum:"480" doc:"leer: laut Regel"`
		Topic           string    `json:"topic,omitempty" maxLength:"300"`
	}
}

type consultationOutput struct{ Body *onboarding.Consultation }

type updateConsultationInput struct {
	ID   string `path:"consultationId" maxLength:"64"`
	Body struct {
		Version         int        `json:"version,omitempty" minimum:"0"`
		StartsAt        *time.Time `json:"startsAt,omitempty"`
		DurationMinutes *int       `json:"durationMinutes,omitempty" minimum:"10" maximum:"480"`
		Topic           *string    `json:"topic,omitempty" maxLength:"300"`
		Cancelled       *bool      `json:"cancelled,omitempty" doc:"absagen; Angemeldete bekommen eine E-Mail"`
	}
}

type ruleOutput struct{ Body *onboarding.ConsultationRule }

type putRuleInput struct {
	Body struct {
		Version         int          `json:"version,omitempty" minimum:"0"`
		Title           string       `json:"title" maxLength:"200"`
		Weekday         time.Weekday `json:"weekday" minimum:"0" maximum:"6" doc:"0 = Sonntag … 3 = Mittwoch"`
		IntervalWeeks   int          `json:"intervalWeeks" minimum:"1" maximum:"8"`
		StartTime       string       `json:"startTime" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$"`
		DurationMinutes int          `json:"durationMinutes" minimum:"10" maximum:"480"`
		AnchorOn        string       `json:"anchorOn" maxLength:"10" doc:"ein Termin der Reihe, JJJJ-MM-TT"`
		Location        string       `json:"location,omitempty" maxLength:"500"`
	}
}

type tenantConsultationsInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Past     bool   `query:"past" doc:"auch vergangene Termine"`
	Kind     string `query:"kind" enum:"ozg,anbindung" doc:"nur eine Art; leer: beide"`
	coreapi.PageQuery
}

type tenantConsultation struct {
	onboarding.Consultation
	Registered bool `json:"registered" doc:"die Körperschaft ist angemeldet"`
}

type tenantConsultationsOutput struct {
	coreapi.PageHeaders
	Body struct {
		Rule  onboarding.ConsultationRule `json:"rule"`
		Items []tenantConsultation        `json:"items"`
		coreapi.PageBody
	}
}

type attendanceInput struct {
	TenantID       string `path:"tenantId" maxLength:"64"`
	ConsultationID string `path:"consultationId" maxLength:"64"`
	Body           struct {
		Name  string `json:"name,omitempty" maxLength:"200" doc:"wer teilnimmt"`
		Email string `json:"email,omitempty" maxLength:"254" doc:"für Einladung und Erinnerung; leer: die eigene Adresse bzw. das Funktionspostfach"`
	}
}

type attendancePathInput struct {
	TenantID       string `path:"tenantId" maxLength:"64"`
	ConsultationID string `path:"consultationId" maxLength:"64"`
}

type attendanceOutput struct{ Body *onboarding.Attendance }

// consultationsPage answers one page of the Sprechstunden f matches.
func (a *API) consultationsPage(ctx context.Context, f onboarding.ConsultationFilter, q coreapi.PageQuery) ([]onboarding.Consultation, coreapi.Page, error) {
	p, err := coreapi.PageOf[onboarding.ConsultationKey](q, "consultations")
	if err != nil {
		return nil, coreapi.Page{}, err
	}
	rows, err := a.store.ListConsultationsPage(ctx, f, p)
	if err != nil {
		return nil, coreapi.Page{}, a.problem(ctx, err)
	}
	items, pg, err := coreapi.NextPage(ctx, "consultations", rows, p, onboarding.Consultation.PageKey)
	if err != nil {
		return nil, coreapi.Page{}, a.problem(ctx, err)
	}
	return items, pg, nil
}

func (a *API) registerConsultations(api huma.API) {
	list := huma.Operation{
		OperationID: "listConsultations", Method: http.MethodGet, Path: "/v1/consultations", Tags: []string{tagConsultations},
		Summary: "Sprechstunden",
		Description: "Die Termine beider Arten – der nummerierten OZG-Sprechstunde (mit Thema) und der zweiwöchentlichen Anbindungs-Sprechstunde " +
			"„Anbindung zur Sozialplattform“ (nach der Regel, ohne Nummer, nicht vom 24.12. bis 01.01. und nicht an Feiertagen in Sachsen-Anhalt) – " +
			"mit Anmeldungen (nur die der Körperschaften, die der Aufrufer sehen darf), dazu die Regel der Anbindungs-Sprechstunde.",
	}
	docResponse(api, &list, consultationList{}, "text/csv", "Sprechstunden")
	coreapi.Register(api, list, coreapi.Access{Obj: onboarding.ObjConsultation, Act: authz.Read}, func(ctx context.Context, in *listConsultationsInput) (*pagedCSVOrJSONOutput, error) {
		from, err1 := date(in.From, a.store.Location())
		to, err2 := date(in.To, a.store.Location())
		if err1 != nil || err2 != nil {
			return nil, huma.Error422UnprocessableEntity("Ein Datum hat die Form JJJJ-MM-TT.")
		}
		f := onboarding.ConsultationFilter{From: from, To: to, Kind: in.Kind, VisibleTenants: a.visible(ctx, onboarding.ObjAttendance, authz.Read)}
		if in.Format == "csv" {
			items, err := a.store.ListConsultations(ctx, f)
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			return whole(csvOutput(a.store.ConsultationsCSV(items), "sprechstunden.csv"))
		}
		items, pg, err := a.consultationsPage(ctx, f, in.PageQuery)
		if err != nil {
			return nil, err
		}
		rule, err := a.store.Rule(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &pagedCSVOrJSONOutput{PageHeaders: pg.Headers, ContentType: "application/json",
			Body: consultationList{Rule: rule, Items: items, PageBody: pg.Body}}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "createConsultation", Method: http.MethodPost, Path: "/v1/consultations", Tags: []string{tagConsultations},
		Summary: "Sprechstunde anlegen", Description: "Eine OZG-Sprechstunde (nummeriert, mit Thema) oder ein zusätzlicher Termin der Anbindungs-Sprechstunde außerhalb der Regel. Nur für das Ministerium.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjConsultation, Act: authz.Create}, func(ctx context.Context, in *createConsultationInput) (*consultationOutput, error) {
		c, err := a.store.CreateConsultation(ctx, onboarding.ConsultationInput{Kind: in.Body.Kind, Number: in.Body.Number, StartsAt: in.Body.StartsAt,
			DurationMinutes: in.Body.DurationMinutes, Topic: in.Body.Topic})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &consultationOutput{Body: c}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "updateConsultation", Method: http.MethodPatch, Path: "/v1/consultations/{consultationId}", Tags: []string{tagConsultations},
		Summary: "Sprechstunde ändern oder absagen", Description: "Thema, Zeit, Dauer oder Absage. Nur für das Ministerium.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjConsultation, Act: authz.Update}, func(ctx context.Context, in *updateConsultationInput) (*consultationOutput, error) {
		b := in.Body
		c, err := a.store.UpdateConsultation(ctx, in.ID, b.Version, onboarding.ConsultationPatch{StartsAt: b.StartsAt,
			DurationMinutes: b.DurationMinutes, Topic: b.Topic, Cancelled: b.Cancelled})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &consultationOutput{Body: c}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getConsultationRule", Method: http.MethodGet, Path: "/v1/consultations/rule", Tags: []string{tagConsultations},
		Summary: "Regel der Anbindungs-Sprechstunde", Description: "Wochentag, Abstand in Wochen, Uhrzeit (Europe/Berlin), Dauer und ein Termin der Reihe.",
	}, coreapi.Access{Obj: onboarding.ObjConsultation, Act: authz.Read}, func(ctx context.Context, _ *struct{}) (*ruleOutput, error) {
		r, err := a.store.Rule(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &ruleOutput{Body: &r}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putConsultationRule", Method: http.MethodPut, Path: "/v1/consultations/rule", Tags: []string{tagConsultations},
		Summary: "Regel der Sprechstunde ändern",
		Description: "Künftige Termine, die die alte Regel angelegt hat und die weder ein Thema noch Anmeldungen haben, werden durch die der neuen " +
			"Regel ersetzt (ein Jahr im Voraus). Nur für das Ministerium.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjConsultation, Act: authz.Update}, func(ctx context.Context, in *putRuleInput) (*ruleOutput, error) {
		b := in.Body
		anchor, err := date(b.AnchorOn, a.store.Location())
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("Das Datum hat die Form JJJJ-MM-TT.", &huma.ErrorDetail{Location: "body.anchorOn", Message: "kein Datum"})
		}
		r, err := a.store.PutRule(ctx, b.Version, onboarding.ConsultationRule{Title: b.Title, Weekday: b.Weekday, IntervalWeeks: b.IntervalWeeks,
			StartTime: b.StartTime, DurationMinutes: b.DurationMinutes, AnchorOn: anchor, Location: b.Location})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &ruleOutput{Body: r}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "listTenantConsultations", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/consultations", Tags: []string{tagConsultations},
		Summary: "Sprechstunden einer Körperschaft", Description: "Die kommenden Termine mit der Angabe, ob die Körperschaft angemeldet ist.",
	}, coreapi.Access{Obj: onboarding.ObjAttendance, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantConsultationsInput) (*tenantConsultationsOutput, error) {
		f := onboarding.ConsultationFilter{Kind: in.Kind, VisibleTenants: []string{in.TenantID}}
		if !in.Past {
			f.From = a.store.Now()
		}
		items, pg, err := a.consultationsPage(ctx, f, in.PageQuery)
		if err != nil {
			return nil, err
		}
		rule, err := a.store.Rule(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &tenantConsultationsOutput{PageHeaders: pg.Headers}
		out.Body.Rule, out.Body.PageBody = rule, pg.Body
		out.Body.Items = []tenantConsultation{}
		for _, c := range items {
			registered := slices.ContainsFunc(c.Attendees, func(at onboarding.Attendance) bool { return at.TenantID == in.TenantID })
			out.Body.Items = append(out.Body.Items, tenantConsultation{Consultation: c, Registered: registered})
		}
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "registerConsultation", Method: http.MethodPut, Path: "/v1/tenants/{tenantId}/consultations/{consultationId}/attendance", Tags: []string{tagConsultations},
		Summary: "Zur Sprechstunde anmelden", Description: "Meldet die Körperschaft an (erneut: ändert Name und Adresse). Am Vortag kommt eine Erinnerung.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjAttendance, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *attendanceInput) (*attendanceOutput, error) {
		name, email := in.Body.Name, in.Body.Email
		if email == "" || name == "" {
			if p := authz.PrincipalFrom(ctx); p.UserID != "" {
				if u, err := a.tenants.GetUser(ctx, p.UserID); err == nil {
					if email == "" {
						email = u.Email
					}
					if name == "" {
						name = u.Name
					}
				}
			}
		}
		if email == "" {
			t, err := a.tenants.GetTenant(ctx, in.TenantID)
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			email = t.FunctionMailbox
		}
		at, err := a.store.Register(ctx, in.ConsultationID, in.TenantID, name, email)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &attendanceOutput{Body: at}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "unregisterConsultation", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/consultations/{consultationId}/attendance", Tags: []string{tagConsultations},
		Summary: "Anmeldung zur Sprechstunde zurückziehen", DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
	}, coreapi.Access{Obj: onboarding.ObjAttendance, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *attendancePathInput) (*struct{}, error) {
		if err := a.store.Unregister(ctx, in.ConsultationID, in.TenantID); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
	a.registerCalendar(api)
}
