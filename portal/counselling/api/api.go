// Package api is the JSON API of the Beratungsstellen directory and of the
// online appointments under /api/v1: the public search and entries, the
// centres' own changes, the Landesredaktion's review, CSV import and
// export for ministry and municipalities, the topic taxonomy, slot
// calendars and bookings. Every operation declares its access (tenant/api
// enforces it); handlers check the object's tenant and answer 404 for
// objects outside the caller's area.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"unicode"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// Deps are what the operations work with.
type Deps struct {
	Store        *counselling.Store
	Appointments *appointments.Store
	Tenants      *tenant.Store
	Authz        *authz.Authorizer
	Logger       *slog.Logger
}

// API serves the operations.
type API struct {
	store   *counselling.Store
	appts   *appointments.Store
	tenants *tenant.Store
	authz   *authz.Authorizer
	logger  *slog.Logger
}

// New returns the operations.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{store: d.Store, appts: d.Appointments, tenants: d.Tenants, authz: d.Authz, logger: d.Logger}
}

// Register adds the operations to api.
func (a *API) Register(api huma.API) {
	a.registerSearch(api)
	a.registerCentres(api)
	a.registerReview(api)
	a.registerArea(api)
	a.registerTopics(api)
	a.registerCalendars(api)
	a.registerBookings(api)
}

// Tags lists the tags in the order the documentation shows them.
func Tags() []*huma.Tag {
	return []*huma.Tag{
		{Name: tagCentres, Description: "Verzeichnis der Beratungsstellen: öffentliche Suche mit Umkreis und Filtern, Einträge, Pflege durch die Beratungsstellen, " +
			"Versionen, Prüfung durch die Landesredaktion, CSV-Import und -Export für Ministerium und Kommunen."},
		{Name: tagAppointments, Description: "Online-Terminvereinbarung: Terminkalender der Beratungsstellen und Ämter, freie Termine, Buchung ohne Konto, Absage."},
	}
}

const (
	tagCentres      = "Beratungsstellen"
	tagAppointments = "Termine"
)

// problem maps the domain's errors, then the core's.
func (a *API) problem(ctx context.Context, err error) error {
	var rl *appointments.RateLimitError
	var file *counselling.ErrCSVFile
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rl):
		return huma.ErrorWithHeaders(huma.Error429TooManyRequests(sentence(rl.Error())),
			http.Header{"Retry-After": []string{strconv.Itoa(int(rl.RetryAfter.Seconds()) + 1)}})
	case errors.As(err, &file):
		return huma.Error422UnprocessableEntity(file.Msg, &huma.ErrorDetail{Location: "body", Message: file.Msg})
	case errors.Is(err, appointments.ErrSlotTaken):
		return huma.Error409Conflict(sentence(err.Error()), &huma.ErrorDetail{Location: "body.start", Message: sentence(err.Error())})
	case errors.Is(err, appointments.ErrSlotUnavailable), errors.Is(err, appointments.ErrCalendarClosed):
		return huma.Error422UnprocessableEntity(sentence(err.Error()), &huma.ErrorDetail{Location: "body.start", Message: sentence(err.Error())})
	case errors.Is(err, appointments.ErrAlreadyCancelled), errors.Is(err, counselling.ErrNotPending), errors.Is(err, counselling.ErrUnchanged):
		return huma.Error409Conflict(sentence(err.Error()))
	}
	return coreapi.Problem(ctx, a.logger, err)
}

// sentence makes a store message a sentence.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	out := string(r)
	if out[len(out)-1] != '.' {
		out += "."
	}
	return out
}

// centreFor loads a centre for a staff operation. A caller without act on
// it gets 403 when it may read it or when the entry is public anyway, and
// 404 otherwise – another area's unpublished centres stay invisible.
// Writes (act other than read) answer 404 to callers who cannot even read.
func (a *API) centreFor(ctx context.Context, id, act string) (*counselling.Centre, error) {
	p := authz.PrincipalFrom(ctx)
	if len(id) > 64 {
		return nil, huma.Error404NotFound("Nicht gefunden.")
	}
	if a.authz.Allowed(p, id, counselling.ObjCentre, act) {
		c, err := a.store.Get(ctx, id)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return c, nil
	}
	if a.authz.Allowed(p, id, counselling.ObjCentre, authz.Read) {
		return nil, huma.Error403Forbidden("Diese Beratungsstelle dürfen Sie nur ansehen.")
	}
	if act == authz.Read {
		if _, err := a.store.GetPublic(ctx, id); err == nil {
			return nil, huma.Error403Forbidden("Dafür fehlt Ihnen die Berechtigung bei dieser Beratungsstelle.")
		}
	}
	return nil, huma.Error404NotFound("Nicht gefunden.")
}

// direct tells whether the caller's changes skip the review: it may
// review at the centre (the Landesredaktion).
func (a *API) direct(ctx context.Context, tenantID string) bool {
	return a.authz.Allowed(authz.PrincipalFrom(ctx), tenantID, counselling.ObjReview, authz.Update)
}

// below returns the tenants below (and including) tenantID in which the
// caller may do act on obj.
func (a *API) below(ctx context.Context, tenantID, obj, act string) []string {
	allowed := map[string]bool{}
	for _, id := range a.authz.Tenants(authz.PrincipalFrom(ctx), obj, act) {
		allowed[id] = true
	}
	out := []string{}
	for _, id := range a.authz.Subtree(tenantID) {
		if allowed[id] {
			out = append(out, id)
		}
	}
	return out
}
