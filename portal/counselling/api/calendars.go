package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/appointments"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type calendarInput struct {
	CalendarID string `path:"calendarId" maxLength:"64"`
}

type calendarOutput struct {
	Body *appointments.Calendar
}

type calendarsInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Subtree  bool   `query:"subtree" doc:"auch die Kalender der Körperschaften darunter (z. B. der Beratungsstellen)"`
	coreapi.PageQuery
}

type calendarsOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []appointments.Calendar `json:"items"`
		coreapi.PageBody
	}
}

type createCalendarInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     appointments.CalendarInput
}

type updateCalendarInput struct {
	CalendarID string `path:"calendarId" maxLength:"64"`
	Body       struct {
		appointments.CalendarInput
		Version int `json:"version,omitempty" doc:"Version (optimistisches Sperren); 0 = ohne Prüfung"`
	}
}

type slotsInput struct {
	CalendarID string `path:"calendarId" maxLength:"64"`
	From       string `query:"from" pattern:"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$" doc:"erster Tag (JJJJ-MM-TT, Standard heute)"`
	To         string `query:"to" pattern:"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$" doc:"letzter Tag (Standard: 14 Tage ab from; höchstens 31 Tage)"`
}

type slotsOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Calendar calendarRef         `json:"calendar"`
		Location string              `json:"location"`
		Slots    []appointments.Slot `json:"slots"`
	}
}

// calendarFor loads a calendar for a staff operation, like centreFor: 403
// when the caller may read it or it is public (active), 404 otherwise;
// writes answer 404 to callers who cannot read it.
func (a *API) calendarFor(ctx context.Context, id, act string) (*appointments.Calendar, error) {
	c, err := a.appts.Calendar(ctx, id)
	if err != nil {
		return nil, a.problem(ctx, err)
	}
	p := authz.PrincipalFrom(ctx)
	switch {
	case a.authz.Allowed(p, c.TenantID, appointments.ObjAppointment, act):
		return c, nil
	case a.authz.Allowed(p, c.TenantID, appointments.ObjAppointment, authz.Read):
		return nil, huma.Error403Forbidden("Diesen Kalender dürfen Sie nur ansehen.")
	case act == authz.Read && c.Active:
		return nil, huma.Error403Forbidden("Dafür fehlt Ihnen die Berechtigung bei diesem Kalender.")
	}
	return nil, huma.Error404NotFound("Nicht gefunden.")
}

func (a *API) registerCalendars(api huma.API) {
	if a.appts == nil {
		return
	}
	coreapi.Register(api, huma.Operation{
		OperationID: "listAppointmentSlots", Method: http.MethodGet, Path: "/v1/appointment-calendars/{calendarId}/slots", Tags: []string{tagAppointments},
		Summary: "Freie und belegte Termine",
		Description: "Öffentlich. Die buchbaren Termine eines aktiven Kalenders im Zeitraum (ohne Ausnahmetage und Feiertage in Sachsen-Anhalt, " +
			"ab dem Vorlauf bis zur Buchungsgrenze), jeweils frei oder belegt. Zeiten in UTC; die Sprechzeiten gelten in deutscher Ortszeit.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *slotsInput) (*slotsOutput, error) {
		c, err := a.appts.Calendar(ctx, in.CalendarID)
		if err != nil || !c.Active {
			return nil, huma.Error404NotFound("Diesen Terminkalender gibt es nicht oder er nimmt keine Buchungen an.")
		}
		loc := a.appts.Location()
		now := a.appts.Now().In(loc)
		from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		if in.From != "" {
			if from, err = time.ParseInLocation("2006-01-02", in.From, loc); err != nil {
				return nil, huma.Error422UnprocessableEntity("Ungültiges Datum.", &huma.ErrorDetail{Location: "query.from", Message: "JJJJ-MM-TT", Value: in.From})
			}
		}
		to := from.AddDate(0, 0, 14)
		if in.To != "" {
			if to, err = time.ParseInLocation("2006-01-02", in.To, loc); err != nil {
				return nil, huma.Error422UnprocessableEntity("Ungültiges Datum.", &huma.ErrorDetail{Location: "query.to", Message: "JJJJ-MM-TT", Value: in.To})
			}
			to = to.AddDate(0, 0, 1).Add(-time.Minute)
		}
		slots, err := a.appts.Slots(ctx, c, from, to)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &slotsOutput{CacheControl: "no-store"}
		out.Body.Calendar = calendarRef{ID: c.ID, Name: c.Name, SlotMinutes: c.SlotMinutes}
		out.Body.Location, out.Body.Slots = c.Location, slots
		return out, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "listAppointmentCalendars", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/appointment-calendars", Tags: []string{tagAppointments},
		Summary: "Terminkalender einer Körperschaft", Description: "Nach Name.",
	}, coreapi.Access{Obj: appointments.ObjAppointment, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *calendarsInput) (*calendarsOutput, error) {
		ids := []string{in.TenantID}
		if in.Subtree {
			ids = a.below(ctx, in.TenantID, appointments.ObjAppointment, authz.Read)
		}
		p, err := coreapi.PageOf[appointments.CalendarKey](in.PageQuery, "appointment-calendars")
		if err != nil {
			return nil, err
		}
		rows, err := a.appts.CalendarsPage(ctx, ids, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &calendarsOutput{}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "appointment-calendars", rows, p, appointments.Calendar.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "createAppointmentCalendar", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/appointment-calendars", Tags: []string{tagAppointments},
		Summary: "Terminkalender anlegen", DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
		Description: "Wöchentliche Sprechzeiten, Länge eines Termins, Ausnahmetage; Feiertage in Sachsen-Anhalt haben nie Termine.",
	}, coreapi.Access{Obj: appointments.ObjAppointment, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *createCalendarInput) (*calendarOutput, error) {
		c, err := a.appts.CreateCalendar(ctx, in.TenantID, in.Body)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &calendarOutput{Body: c}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "getAppointmentCalendar", Method: http.MethodGet, Path: "/v1/appointment-calendars/{calendarId}", Tags: []string{tagAppointments},
		Summary: "Terminkalender", Errors: []int{http.StatusNotFound},
	}, coreapi.Access{Obj: appointments.ObjAppointment, Act: authz.Read}, func(ctx context.Context, in *calendarInput) (*calendarOutput, error) {
		c, err := a.calendarFor(ctx, in.CalendarID, authz.Read)
		if err != nil {
			return nil, err
		}
		return &calendarOutput{Body: c}, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "updateAppointmentCalendar", Method: http.MethodPut, Path: "/v1/appointment-calendars/{calendarId}", Tags: []string{tagAppointments},
		Summary: "Terminkalender ändern", Description: "Gebuchte Termine bleiben bestehen, auch außerhalb der neuen Zeiten.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: appointments.ObjAppointment, Act: authz.Update}, func(ctx context.Context, in *updateCalendarInput) (*calendarOutput, error) {
		c, err := a.calendarFor(ctx, in.CalendarID, authz.Update)
		if err != nil {
			return nil, err
		}
		if c, err = a.appts.UpdateCalendar(ctx, c.ID, in.Body.Version, in.Body.CalendarInput); err != nil {
			return nil, a.problem(ctx, err)
		}
		return &calendarOutput{Body: c}, nil
	})
}
