package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/appointments"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/web"
)

type bookInput struct {
	CalendarID string `path:"calendarId" maxLength:"64"`
	Body       struct {
		Start  time.Time `json:"start" doc:"Beginn eines freien Termins (aus /slots)"`
		Name   string    `json:"name" maxLength:"100"`
		Email  string    `json:"email" maxLength:"254" doc:"dorthin gehen Bestätigung, Absage-Link und Erinnerung"`
		Phone  string    `json:"phone,omitempty" maxLength:"40"`
		Remark string    `json:"remark,omitempty" maxLength:"300" doc:"kurzes Anliegen; bitte keine Gesundheits- oder Finanzdetails"`
		Site   string    `json:"site,omitempty" maxLength:"64" doc:"Kurzname der Kommune, auf deren Portal die Links der E-Mail zeigen"`
		Lang   string    `json:"lang,omitempty" enum:"de,en,ar,uk,tr,ru,"`
	}
}

type bookOutput struct {
	Body struct {
		ID       string    `json:"id"`
		StartsAt time.Time `json:"startsAt"`
		EndsAt   time.Time `json:"endsAt"`
		PageURL  string    `json:"pageUrl" doc:"Seite der Buchung mit der iCalendar-Datei; der Absage-Link kommt nur per E-Mail"`
	}
}

type bookingsInput struct {
	CalendarID string `path:"calendarId" maxLength:"64"`
	From       string `query:"from" pattern:"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$" doc:"ab diesem Tag (Standard heute)"`
	To         string `query:"to" pattern:"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$" doc:"bis einschließlich diesem Tag"`
	Cancelled  bool   `query:"cancelled" doc:"auch abgesagte"`
	coreapi.PageQuery
}

type bookingsOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []appointments.Booking `json:"items"`
		coreapi.PageBody
	}
}

type cancelInput struct {
	BookingID string `path:"bookingId" maxLength:"64"`
	Body      struct {
		Note string `json:"note,omitempty" maxLength:"500" doc:"geht per E-Mail an die Person, die gebucht hat"`
	}
}

type bookingOutput struct {
	Body *appointments.Booking
}

func (a *API) registerBookings(api huma.API) {
	if a.appts == nil {
		return
	}
	coreapi.Register(api, huma.Operation{
		OperationID: "bookAppointment", Method: http.MethodPost, Path: "/v1/appointment-calendars/{calendarId}/bookings", Tags: []string{tagAppointments},
		Summary: "Termin buchen",
		Description: "Öffentlich, ohne Konto. Bucht einen freien Termin; die Bestätigung mit Link zur iCalendar-Datei und einem einmal gültigen " +
			"Absage-Link geht per E-Mail. Ein vergebener Termin ist 409, ein vergangener oder nicht angebotener 422, zu viele Versuche " +
			"(je Adresse und je E-Mail-Adresse, über alle Instanzen) 429 mit Retry-After.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *bookInput) (*bookOutput, error) {
		c, err := a.appts.Calendar(ctx, in.CalendarID)
		if err != nil || !c.Active {
			return nil, huma.Error404NotFound("Diesen Terminkalender gibt es nicht oder er nimmt keine Buchungen an.")
		}
		site, err := a.portalSite(ctx, strings.TrimSpace(in.Body.Site), c.TenantID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		b, tok, err := a.appts.Book(ctx, appointments.BookingInput{CalendarID: in.CalendarID, Start: in.Body.Start, Name: in.Body.Name,
			Email: in.Body.Email, Phone: in.Body.Phone, Remark: in.Body.Remark, SiteSlug: site, Lang: in.Body.Lang, Client: web.ClientIPFrom(ctx)})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &bookOutput{}
		out.Body.ID, out.Body.StartsAt, out.Body.EndsAt = b.ID, b.StartsAt, b.EndsAt
		out.Body.PageURL = a.appts.BookingLink(site, tok.Page)
		return out, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "listAppointmentBookings", Method: http.MethodGet, Path: "/v1/appointment-calendars/{calendarId}/bookings", Tags: []string{tagAppointments},
		Summary: "Buchungen eines Kalenders", Errors: []int{http.StatusNotFound},
		Description: "Für die Beratungsstelle bzw. das Amt. Buchungen werden einige Tage nach dem Termin gelöscht.",
	}, coreapi.Access{Obj: appointments.ObjAppointment, Act: authz.Read}, func(ctx context.Context, in *bookingsInput) (*bookingsOutput, error) {
		c, err := a.calendarFor(ctx, in.CalendarID, authz.Read)
		if err != nil {
			return nil, err
		}
		loc := a.appts.Location()
		now := a.appts.Now().In(loc)
		f := appointments.BookingFilter{CalendarIDs: []string{c.ID}, From: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc), IncludeCancelled: in.Cancelled}
		if in.From != "" {
			if f.From, err = time.ParseInLocation("2006-01-02", in.From, loc); err != nil {
				return nil, huma.Error422UnprocessableEntity("Ungültiges Datum.", &huma.ErrorDetail{Location: "query.from", Message: "JJJJ-MM-TT"})
			}
		}
		if in.To != "" {
			to, err := time.ParseInLocation("2006-01-02", in.To, loc)
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("Ungültiges Datum.", &huma.ErrorDetail{Location: "query.to", Message: "JJJJ-MM-TT"})
			}
			f.To = to.AddDate(0, 0, 1)
		}
		p, err := coreapi.PageOf[keyset.TimeKey](in.PageQuery, "appointment-bookings")
		if err != nil {
			return nil, err
		}
		f.Page = &p
		rows, err := a.appts.Bookings(ctx, f)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &bookingsOutput{}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "appointment-bookings", rows, p, appointments.Booking.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "cancelAppointmentBooking", Method: http.MethodPost, Path: "/v1/appointment-bookings/{bookingId}/cancel", Tags: []string{tagAppointments},
		Summary: "Buchung absagen", Description: "Für die Beratungsstelle bzw. das Amt; die Nachricht geht per E-Mail an die Person, die gebucht hat.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: appointments.ObjAppointment, Act: authz.Update}, func(ctx context.Context, in *cancelInput) (*bookingOutput, error) {
		b, err := a.appts.GetBooking(ctx, in.BookingID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if !a.authz.Allowed(authz.PrincipalFrom(ctx), b.TenantID, appointments.ObjAppointment, authz.Update) {
			return nil, huma.Error404NotFound("Nicht gefunden.")
		}
		if b, err = a.appts.Cancel(ctx, b.ID, in.Body.Note); err != nil {
			return nil, a.problem(ctx, err)
		}
		return &bookingOutput{Body: b}, nil
	})
}

// portalSite is the slug of the portal site a booking's links lead to:
// the site the client names if the portal has it (an active municipality
// or the Land), else the site of the calendar's tenant or, for a
// Beratungsstelle, of the nearest tenant above it – the portal serves the
// booking pages only below a site's slug.
func (a *API) portalSite(ctx context.Context, named, calendarTenantID string) (string, error) {
	served := func(t *tenant.Tenant) bool { return t.Active && t.Kind != tenant.KindOrganisation && t.Slug != "" }
	if named != "" {
		if t, err := a.tenants.ResolveTenant(ctx, named); err == nil && t.Slug == named && served(t) {
			return named, nil
		}
	}
	id := calendarTenantID
	for range 8 { // the tree is at most Land > Kreis > Gemeinde > organisations
		t, err := a.tenants.GetTenant(ctx, id)
		if err != nil {
			return "", fmt.Errorf("portal site of calendar tenant %s: %w", calendarTenantID, err)
		}
		if served(t) {
			return t.Slug, nil
		}
		if id = t.Parent(); id == "" {
			break
		}
	}
	return "", fmt.Errorf("portal site of calendar tenant %s: no tenant above it has a portal site", calendarTenantID)
}
