package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// Deps are what the onboarding operations work with.
type Deps struct {
	Store   *onboarding.Store
	Tenants *tenant.Store
	Authz   *authz.Authorizer
	Logger  *slog.Logger
}

// API serves onboarding's operations.
type API struct {
	store   *onboarding.Store
	tenants *tenant.Store
	authz   *authz.Authorizer
	logger  *slog.Logger
}

// New returns the onboarding operations.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{store: d.Store, tenants: d.Tenants, authz: d.Authz, logger: d.Logger}
}

// Register adds the onboarding operations to api.
func (a *API) Register(api huma.API) {
	a.registerCatalog(api)
	a.registerCases(api)
	a.registerChecklist(api)
	a.registerRollout(api)
	a.registerFachverfahren(api)
	a.registerTemplates(api)
	a.registerConsultations(api)
	a.registerResponsibilities(api)
	a.registerSupportContacts(api)
}

// Tags lists onboarding's tags in the order the documentation shows them.
func Tags() []*huma.Tag {
	return []*huma.Tag{
		{Name: tagCases, Description: "Anbindungsfälle je bestellter Antragsstrecke: Variante, Fachverfahren, Anbindungsdaten, Checkliste mit Anhängen und die drei Phasen."},
		{Name: tagFachverfahren, Description: "Übersicht der Fachverfahren und ihrer Schnittstellen; gepflegt vom Ministerium."},
		{Name: tagConsultations, Description: "Sprechstunde „Anbindung zur Sozialplattform“: Termine, Regel, Anmeldungen und iCalendar-Feed."},
		{Name: tagSupportContacts, Description: "Ansprechstellen der Anbindung (z. B. Anbindungssupport NRW, Dataport Roll-In-Management) mit den Varianten und Phasen, für die sie zuständig sind; gepflegt vom Ministerium, gelesen von den Kommunen."},
		{Name: tagRollout, Description: "Umsetzungsstand über alle Kommunen für das Ministerium, mit CSV-Export."},
	}
}

// Tags group the operations in the documentation.
const (
	tagCases         = "Anbindung"
	tagRollout       = "Umsetzungsstand"
	tagFachverfahren = "Fachverfahren"
	tagConsultations = "Sprechstunden"
	// tagSupportContacts groups the support contacts ("Ansprechstellen").
	tagSupportContacts = "Ansprechstellen"
)

// problem maps onboarding's errors, then the core's.
func (a *API) problem(ctx context.Context, err error) error {
	var rule *onboarding.RuleError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rule):
		details := make([]error, len(rule.Reasons))
		for i, r := range rule.Reasons {
			details[i] = &huma.ErrorDetail{Message: r}
		}
		return huma.Error409Conflict(rule.Error(), details...)
	case errors.Is(err, onboarding.ErrCaseChanged):
		return huma.Error409Conflict(onboarding.ErrCaseChanged.Error())
	case errors.Is(err, onboarding.ErrAttachmentTooLarge):
		return huma.NewError(http.StatusRequestEntityTooLarge, "Die Datei ist zu groß.", problemDetails(err)...)
	}
	return coreapi.Problem(ctx, a.logger, err)
}

// problemDetails turns field errors into huma details.
func problemDetails(err error) []error {
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) {
		return nil
	}
	out := make([]error, len(fe))
	for i, e := range fe {
		out[i] = &huma.ErrorDetail{Location: "body." + e.Field, Message: e.Message}
	}
	return out
}

// answer is out, or the store's err as a problem.
func answer[O any](a *API, ctx context.Context, out *O, err error) (*O, error) {
	if err != nil {
		return nil, a.problem(ctx, err)
	}
	return out, nil
}

// versionRequired is the answer to a change without the version it rests
// on; location is where the version belongs (body.version, query.version).
func versionRequired(location string) error {
	return huma.Error422UnprocessableEntity("Bitte geben Sie die Version an, auf der Ihre Änderung beruht.",
		&huma.ErrorDetail{Location: location, Message: "Pflichtfeld"})
}

// registerLandChange registers an operation that changes data all
// municipalities share (support contacts): the caller needs the permission
// act on obj – the guard checks it anywhere, as for every operation – and,
// as the console's requireMinistry demands, in the Land itself, so that a
// right an operator granted within a municipality does not reach
// state-wide data. That second check runs after the guard and before the
// body is read.
func registerLandChange[I, O any](a *API, api huma.API, op huma.Operation, obj, act string, handler func(context.Context, *I) (*O, error)) {
	op.Middlewares = append(op.Middlewares, func(ctx huma.Context, next func(huma.Context)) {
		if !slices.ContainsFunc(a.authz.Tenants(authz.PrincipalFrom(ctx.Context()), obj, act), a.authz.IsRoot) {
			huma.WriteErr(api, ctx, http.StatusForbidden, "Das pflegt das Ministerium.")
			return
		}
		next(ctx)
	})
	coreapi.Register(api, op, coreapi.Access{Obj: obj, Act: act}, handler)
}

// caseFor loads a case and checks that the caller may act on it; a case
// of another tenant is not found.
func (a *API) caseFor(ctx context.Context, id, act string) (*onboarding.Case, error) {
	c, err := a.store.GetCase(ctx, id)
	if err != nil {
		return nil, a.problem(ctx, err)
	}
	p := authz.PrincipalFrom(ctx)
	if !a.authz.Allowed(p, c.TenantID, onboarding.ObjCase, act) {
		if act != authz.Read && a.authz.Allowed(p, c.TenantID, onboarding.ObjCase, authz.Read) {
			return nil, huma.Error403Forbidden("Diesen Fall dürfen Sie nur lesen.")
		}
		return nil, huma.Error404NotFound("Nicht gefunden.")
	}
	return c, nil
}

// visible returns the tenants in which the caller may do act on obj.
func (a *API) visible(ctx context.Context, obj, act string) []string {
	return a.authz.Tenants(authz.PrincipalFrom(ctx), obj, act)
}

// docResponse documents a 200 answer that is JSON of type t or, with
// ?format=csv (or for a feed), another media type.
func docResponse(api huma.API, op *huma.Operation, t any, alt string, desc string) {
	schema := api.OpenAPI().Components.Schemas.Schema(reflect.TypeOf(t), true, "")
	op.Responses = map[string]*huma.Response{"200": {Description: desc, Content: map[string]*huma.MediaType{
		"application/json": {Schema: schema},
		alt:                {Schema: &huma.Schema{Type: "string"}},
	}}}
}

// date parses an optional "2006-01-02" query value.
func date(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", s, loc)
}
