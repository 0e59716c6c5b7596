// Package api is the applications' JSON API: the citizen's own
// applications, a municipality's applications with their delivery status,
// one application for its owner or the responsible municipality, its
// XSozial-basis XML and PDF for the municipality, the retention settings,
// and counts for the ministry (never personal data).
//
// A citizen is no staff principal: the citizen operations are declared
// public for the staff guard and check the citizen session themselves
// (portal/citizen); every other caller gets 401, and another citizen's or
// another municipality's application answers 404.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
	"sozialplattform/tenant/keyset"
)

// Deps are what the operations work with.
type Deps struct {
	Store  *forms.Store
	Authz  *authz.Authorizer
	Logger *slog.Logger
}

// API serves the applications' operations.
type API struct {
	store  *forms.Store
	authz  *authz.Authorizer
	logger *slog.Logger
}

// New returns the operations.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{store: d.Store, authz: d.Authz, logger: d.Logger}
}

const tag = "Online-Anträge"

// Tags returns the applications' tag.
func Tags() []*huma.Tag {
	return []*huma.Tag{{Name: tag, Description: "Online-Anträge der Bürgerinnen und Bürger: eigene Anträge (Servicekonto), Anträge einer Kommune mit Zustellstand, " +
		"XSozial-basis-Nachricht und PDF für die Kommune, Aufbewahrungsfristen, Zahlen für das Ministerium (ohne personenbezogene Daten)."}}
}

// list of an application as the lists show it.
type listOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []forms.Application `json:"items"`
		Total int                 `json:"total" doc:"Anträge insgesamt, über alle Seiten"`
		coreapi.PageBody
	}
}

type tenantListInput struct {
	TenantID       string `path:"tenantId"`
	Antragsstrecke string `query:"antragsstrecke" maxLength:"40" doc:"nur diese Antragsstrecke, z. B. hzl"`
	Status         string `query:"status" enum:"eingereicht,zugestellt,abgeholt,angenommen,problem," doc:"nur dieser Stand"`
	Since          string `query:"since" maxLength:"40" doc:"eingereicht ab diesem Zeitpunkt (RFC 3339); ein Tag JJJJ-MM-TT gilt ab 0 Uhr UTC"`
	Until          string `query:"until" maxLength:"40" doc:"eingereicht vor diesem Zeitpunkt (RFC 3339); ein Tag JJJJ-MM-TT gilt ab 0 Uhr UTC"`
	Subtree        bool   `query:"subtree" doc:"auch die Anträge der Körperschaften darunter (z. B. Gemeinden eines Landkreises)"`
	coreapi.PageQuery
}

type idInput struct {
	ApplicationID string `path:"applicationId" maxLength:"64"`
}

type detailsOutput struct {
	Body detailsBody
}

type detailsBody struct {
	forms.Details
	Answers []section `json:"answers" doc:"die Angaben nach Schritten (leer nach Ablauf der Aufbewahrungsfrist)"`
}

type section struct {
	Title string `json:"title"`
	Rows  []row  `json:"rows"`
}

type row struct {
	Label   string `json:"label"`
	Value   string `json:"value,omitempty"`
	Heading bool   `json:"heading,omitempty"`
}

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

type statsInput struct {
	Since string `query:"since" maxLength:"40" doc:"eingereicht ab diesem Zeitpunkt (RFC 3339); ein Tag JJJJ-MM-TT gilt ab 0 Uhr UTC"`
	Until string `query:"until" maxLength:"40" doc:"eingereicht vor diesem Zeitpunkt (RFC 3339); ein Tag JJJJ-MM-TT gilt ab 0 Uhr UTC"`
}

type statsOutput struct {
	Body struct {
		Items []forms.StatRow `json:"items" doc:"Anzahl je Körperschaft, Antragsstrecke und Stand"`
	}
}

type settingsInput struct {
	TenantID string `path:"tenantId"`
}

type settingsPutInput struct {
	TenantID string `path:"tenantId"`
	Body     struct {
		DraftDays     int `json:"draftDays" minimum:"1" maximum:"365"`
		RetentionDays int `json:"retentionDays" minimum:"1" maximum:"3650"`
	}
}

type settingsOutput struct {
	Body forms.RetentionSettings
}

// instant reads since or until: RFC 3339 as every listing takes it, or a
// plain day (0:00 UTC) as this one took before.
func instant(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, huma.Error422UnprocessableEntity("Zeitpunkt nach RFC 3339 oder Tag JJJJ-MM-TT erwartet.",
			&huma.ErrorDetail{Location: "query." + name, Message: "z. B. 2026-12-01T00:00:00+01:00 oder 2026-12-01"})
	}
	return t, nil
}

// Register adds the operations.
func (a *API) Register(api huma.API) {
	coreapi.Register(api, huma.Operation{OperationID: "listMyApplications", Method: http.MethodGet, Path: "/v1/me/applications", Tags: []string{tag},
		Summary: "Eigene Anträge (Servicekonto)", Description: "Die Anträge der angemeldeten Bürgerin oder des angemeldeten Bürgers mit Stand. Nur mit der Sitzung des Servicekontos; Mitarbeitende und API-Token erhalten 401.",
		Security: []map[string][]string{{"session": {}}}, Errors: []int{http.StatusUnauthorized}},
		coreapi.Access{Public: true}, func(ctx context.Context, in *coreapi.PageQuery) (*listOutput, error) {
			c, ok := citizen.PrincipalFrom(ctx)
			if !ok || !authz.PrincipalFrom(ctx).IsZero() {
				return nil, huma.Error401Unauthorized("Bitte melden Sie sich mit Ihrem Servicekonto an.")
			}
			p, err := coreapi.PageOf[keyset.TimeKey](*in, "my-applications")
			if err != nil {
				return nil, err
			}
			rows, err := a.store.ForCitizenPage(ctx, c.ID, p)
			if err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			out := &listOutput{}
			var pg coreapi.Page
			if out.Body.Items, pg, err = coreapi.NextPage(ctx, "my-applications", rows, p, forms.ApplicationKey); err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			out.Body.Total = len(out.Body.Items)
			out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
			return out, nil
		})

	coreapi.Register(api, huma.Operation{OperationID: "listTenantApplications", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/applications", Tags: []string{tag},
		Summary: "Anträge einer Kommune", Description: "Eingegangene Anträge mit Zustellstand, neueste zuerst; Filter nach Antragsstrecke, Stand und Zeitraum. Nur für die Kommune selbst: das Ministerium erhält Zahlen über /v1/applications/stats."},
		coreapi.Access{Obj: forms.ObjApplication, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantListInput) (*listOutput, error) {
			if !forms.MayReadPersonal(a.authz, authz.PrincipalFrom(ctx), in.TenantID) {
				return nil, huma.Error403Forbidden("Anträge mit personenbezogenen Daten sieht nur die zuständige Kommune; das Ministerium erhält Zahlen (GET /api/v1/applications/stats).")
			}
			since, err := instant("since", in.Since)
			if err != nil {
				return nil, err
			}
			until, err := instant("until", in.Until)
			if err != nil {
				return nil, err
			}
			p, err := coreapi.PageOf[keyset.TimeKey](in.PageQuery, "tenant-applications")
			if err != nil {
				return nil, err
			}
			ids := []string{in.TenantID}
			if in.Subtree {
				ids = a.authz.Subtree(in.TenantID)
			}
			rows, total, err := a.store.List(ctx, forms.Filter{TenantIDs: ids, Antragsstrecke: in.Antragsstrecke, Status: forms.Status(in.Status),
				Since: since, Until: until, Page: &p})
			if err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			out := &listOutput{}
			var pg coreapi.Page
			if out.Body.Items, pg, err = coreapi.NextPage(ctx, "tenant-applications", rows, p, forms.ApplicationKey); err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			out.Body.Total = total
			out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
			return out, nil
		})

	coreapi.Register(api, huma.Operation{OperationID: "getApplication", Method: http.MethodGet, Path: "/v1/applications/{applicationId}", Tags: []string{tag},
		Summary: "Ein Antrag", Description: "Ein Antrag mit Angaben, Dokumenten und Verlauf – für die Antragstellerin oder den Antragsteller (Servicekonto) und für die zuständige Kommune; für alle anderen 404.",
		Security: []map[string][]string{{"bearer": {}}, {"session": {}}}, Errors: []int{http.StatusUnauthorized, http.StatusNotFound}},
		coreapi.Access{Public: true}, func(ctx context.Context, in *idInput) (*detailsOutput, error) {
			d, err := a.readable(ctx, in.ApplicationID, true)
			if err != nil {
				return nil, err
			}
			out := &detailsOutput{Body: detailsBody{Details: *d, Answers: []section{}}}
			for _, s := range d.Answers {
				sec := section{Title: s.Title, Rows: []row{}}
				for _, r := range s.Rows {
					sec.Rows = append(sec.Rows, row{Label: r.Label, Value: r.Value, Heading: r.Heading})
				}
				out.Body.Answers = append(out.Body.Answers, sec)
			}
			return out, nil
		})

	for _, doc := range []struct{ id, path, kind, summary string }{
		{"getApplicationXml", "/v1/applications/{applicationId}/xml", forms.DocXML, "XSozial-basis-Nachricht eines Antrags"},
		{"getApplicationPdf", "/v1/applications/{applicationId}/pdf", forms.DocPDF, "PDF eines Antrags"},
	} {
		coreapi.Register(api, huma.Operation{OperationID: doc.id, Method: http.MethodGet, Path: doc.path, Tags: []string{tag},
			Summary: doc.summary, Description: "Für die zuständige Kommune (vorgang.transportieren.1000001 bzw. das Antrags-PDF); andere Kommunen erhalten 404.",
			Errors: []int{http.StatusNotFound}},
			coreapi.Access{Obj: forms.ObjApplication, Act: authz.Read}, func(ctx context.Context, in *idInput) (*fileOutput, error) {
				// Audited like the console's downloads; a foreign or
				// unknown application is 404 either way.
				info, data, err := a.store.DocumentForStaff(ctx, in.ApplicationID, doc.kind, "", a.staffGuard(ctx))
				if errors.Is(err, forms.ErrNotFound) {
					return nil, huma.Error404NotFound("Diesen Antrag oder das Dokument gibt es nicht (mehr).")
				}
				if err != nil {
					return nil, coreapi.Problem(ctx, a.logger, err)
				}
				ct := info.ContentType
				if doc.kind == forms.DocXML {
					ct = "application/xml; charset=utf-8"
				}
				return &fileOutput{ContentType: ct, ContentDisposition: download.Attachment(info.Name), CacheControl: "no-store", Body: data}, nil
			})
	}

	coreapi.Register(api, huma.Operation{OperationID: "applicationStats", Method: http.MethodGet, Path: "/v1/applications/stats", Tags: []string{tag},
		Extensions: map[string]any{coreapi.UnpagedKey: "Zahlen je Körperschaft, Antragsstrecke und Stand: eine Auswertung, keine Liste von Datensätzen"},
		Summary:    "Antragszahlen", Description: "Anzahl der Anträge je Körperschaft, Antragsstrecke und Stand – ohne personenbezogene Daten; das Ministerium sieht alle Kommunen, eine Kommune sich und die Körperschaften darunter."},
		coreapi.Access{Obj: forms.ObjApplicationStats, Act: authz.Read}, func(ctx context.Context, in *statsInput) (*statsOutput, error) {
			since, err := instant("since", in.Since)
			if err != nil {
				return nil, err
			}
			until, err := instant("until", in.Until)
			if err != nil {
				return nil, err
			}
			ids := a.authz.Tenants(authz.PrincipalFrom(ctx), forms.ObjApplicationStats, authz.Read)
			items, err := a.store.Stats(ctx, ids, since, until)
			if err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			out := &statsOutput{}
			out.Body.Items = items
			return out, nil
		})

	coreapi.Register(api, huma.Operation{OperationID: "getApplicationSettings", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/application-settings", Tags: []string{tag},
		Summary: "Aufbewahrungsfristen", Description: "Wie lange Entwürfe und zugestellte Anträge der Kommune aufbewahrt werden. Gelöschtes steht im Änderungsprotokoll (delete-expired)."},
		coreapi.Access{Obj: forms.ObjApplicationSettings, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *settingsInput) (*settingsOutput, error) {
			s, err := a.store.Settings(ctx, in.TenantID)
			if err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			return &settingsOutput{Body: s}, nil
		})

	coreapi.Register(api, huma.Operation{OperationID: "setApplicationSettings", Method: http.MethodPut, Path: "/v1/tenants/{tenantId}/application-settings", Tags: []string{tag},
		Summary: "Aufbewahrungsfristen ändern"},
		coreapi.Access{Obj: forms.ObjApplicationSettings, Act: authz.Update, TenantParam: "tenantId"}, func(ctx context.Context, in *settingsPutInput) (*settingsOutput, error) {
			s, err := a.store.SetSettings(ctx, in.TenantID, forms.RetentionSettings{DraftDays: in.Body.DraftDays, RetentionDays: in.Body.RetentionDays})
			if err != nil {
				return nil, coreapi.Problem(ctx, a.logger, err)
			}
			return &settingsOutput{Body: s}, nil
		})
}

// readable loads an application the caller may read: its citizen (when
// citizens are allowed) or staff of the responsible municipality with a
// municipal role. Everyone else gets 404, an anonymous caller 401.
func (a *API) readable(ctx context.Context, id string, citizens bool) (*forms.Details, error) {
	p := authz.PrincipalFrom(ctx)
	c, isCitizen := citizen.PrincipalFrom(ctx)
	if p.IsZero() && (!citizens || !isCitizen) {
		return nil, huma.Error401Unauthorized("Bitte melden Sie sich an.")
	}
	var d *forms.Details
	var err error
	if !p.IsZero() {
		d, err = a.store.OpenForStaff(ctx, id, "de", a.staffGuard(ctx)) // audited
	} else {
		d, err = a.store.Details(ctx, id, "de")
		if err == nil && (!citizens || !isCitizen || d.CitizenID != c.ID) {
			err = forms.ErrNotFound
		}
	}
	if errors.Is(err, forms.ErrNotFound) {
		return nil, huma.Error404NotFound("Diesen Antrag gibt es nicht.")
	}
	if err != nil {
		return nil, coreapi.Problem(ctx, a.logger, err)
	}
	return d, nil
}

// staffGuard lets the caller's staff principal see the personal data of
// the tenants it may (see forms.MayReadPersonal).
func (a *API) staffGuard(ctx context.Context) forms.Guard {
	p := authz.PrincipalFrom(ctx)
	return func(tenantID string) bool { return !p.IsZero() && forms.MayReadPersonal(a.authz, p, tenantID) }
}
