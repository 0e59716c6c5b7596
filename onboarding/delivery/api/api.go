// Package api serves delivery's JSON operations: the variant-2 mailbox
// (list, open, download XML and PDF, mark "abgeholt"; municipal staff
// only, every access audited), the deliveries of a municipality with
// their attempts and the retry, the connection self-test of an onboarding
// case, the ministry's counts per municipality and variant, and the DVDV
// directory the ministry maintains.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/tenant"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
	"sozialplattform/tenant/keyset"
)

// Deps are what the operations work with.
type Deps struct {
	Service   *delivery.Service
	Directory *dvdv.Directory
	Authz     *authz.Authorizer
	Logger    *slog.Logger
}

// API serves delivery's operations.
type API struct {
	svc    *delivery.Service
	dir    *dvdv.Directory
	authz  *authz.Authorizer
	logger *slog.Logger
}

// New returns the operations.
func New(d Deps) *API {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{svc: d.Service, dir: d.Directory, authz: d.Authz, logger: d.Logger}
}

// Tags group the operations in the documentation.
const (
	tagMailbox    = "Postfach (OSCI-Client)"
	tagDeliveries = "Zustellung"
	tagDVDV       = "DVDV-Verzeichnis"
)

// Tags lists delivery's tags in the order the documentation shows them.
func Tags() []*huma.Tag {
	return []*huma.Tag{
		{Name: tagMailbox, Description: "Eingegangene Anträge der Variante 2: Liste, Abruf als XML und PDF, Vermerk „abgeholt“. Nur für die Beschäftigten der Kommune; jeder Zugriff wird protokolliert."},
		{Name: tagDeliveries, Description: "Zustellung an die Fachverfahren (FIT-Connect, OSCI/XTA2, Postfach): Stand je Antrag mit allen Versuchen, Wiederholung, Anbindungstest und Zahlen für das Ministerium."},
		{Name: tagDVDV, Description: "Behördenkennungen mit Adresse und Zertifikat des Intermediärs für die Variante OSCI/XTA2; gepflegt vom Ministerium."},
	}
}

// Register adds the operations to api.
func (a *API) Register(api huma.API) {
	a.registerMailbox(api)
	a.registerDeliveries(api)
	a.registerDVDV(api)
}

func (a *API) problem(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, delivery.ErrNoRoute):
		return huma.Error409Conflict("Für diese Antragsstrecke ist noch keine Anbindung eingerichtet: Bitte wählen Sie die Anbindungsvariante und tragen Sie die Anbindungsdaten ein.")
	case errors.Is(err, delivery.ErrNotRetryable):
		return huma.Error409Conflict(delivery.ErrNotRetryable.Error())
	case errors.Is(err, tenant.ErrConflict):
		return huma.Error409Conflict(err.Error())
	}
	return coreapi.Problem(ctx, a.logger, err)
}

func principal(ctx context.Context) authz.Principal { return authz.PrincipalFrom(ctx) }

// ---------------------------------------------------------------- mailbox

type mailboxListInput struct {
	TenantID       string `path:"tenantId" maxLength:"64"`
	Status         string `query:"status" enum:"new,picked-up," doc:"new = noch nicht abgeholt, picked-up = abgeholt"`
	Antragsstrecke string `query:"antragsstrecke" maxLength:"40"`
	Query          string `query:"q" maxLength:"100" doc:"Suche im Aktenzeichen"`
	Tests          bool   `query:"tests" doc:"auch Testanträge aus Anbindungstests"`
	coreapi.PageQuery
}

type mailboxListOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []delivery.MailboxMessage `json:"items"`
		coreapi.PageBody
	}
}

type messageInput struct {
	MessageID string `path:"messageId" maxLength:"64"`
}

type messageOutput struct{ Body *delivery.MailboxMessage }

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

func (a *API) registerMailbox(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listMailbox", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/mailbox", Tags: []string{tagMailbox},
		Summary:     "Postfach einer Körperschaft",
		Description: "Die eingegangenen Anträge (Variante 2 – OSCI-Client), neueste zuerst; ohne Inhalte. Nur die Beschäftigten der Kommune (Sachbearbeitung, Administration) sehen das Postfach; der Abruf wird protokolliert.",
	}, coreapi.Access{Obj: delivery.ObjMailbox, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *mailboxListInput) (*mailboxListOutput, error) {
		if !delivery.MayOpenMailbox(a.authz.Roles(principal(ctx), in.TenantID)) {
			return nil, huma.Error403Forbidden("Das Postfach ist den Beschäftigten der Kommune vorbehalten (Sozialgeheimnis).")
		}
		p, err := coreapi.PageOf[keyset.TimeKey](in.PageQuery, "mailbox")
		if err != nil {
			return nil, err
		}
		rows, err := a.svc.ListMailboxPage(ctx, in.TenantID, delivery.MailboxFilter{Status: in.Status, Antragsstrecke: in.Antragsstrecke,
			Query: in.Query, IncludeTests: in.Tests}, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &mailboxListOutput{}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "mailbox", rows, p, delivery.MailboxMessage.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getMailboxMessage", Method: http.MethodGet, Path: "/v1/mailbox/{messageId}", Tags: []string{tagMailbox},
		Summary: "Antrag im Postfach", Description: "Angaben zum Antrag mit der Liste seiner Dateien; der Abruf wird protokolliert.",
	}, coreapi.Access{Obj: delivery.ObjMailbox, Act: authz.Read}, func(ctx context.Context, in *messageInput) (*messageOutput, error) {
		m, err := a.svc.OpenMailboxMessage(ctx, in.MessageID, delivery.MailboxGuard(a.authz, principal(ctx), authz.Read))
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &messageOutput{Body: m}, nil
	})
	for _, f := range []struct{ kind, name, summary string }{
		{delivery.FileXML, "xml", "Antrag als XML (XSozial-basis)"},
		{delivery.FilePDF, "pdf", "Antrag als PDF"},
	} {
		coreapi.Register(api, huma.Operation{
			OperationID: "downloadMailbox" + f.name, Method: http.MethodGet, Path: "/v1/mailbox/{messageId}/" + f.name, Tags: []string{tagMailbox},
			Summary: f.summary, Description: "Lädt die Datei herunter; der Abruf wird protokolliert.",
		}, coreapi.Access{Obj: delivery.ObjMailbox, Act: authz.Read}, func(ctx context.Context, in *messageInput) (*fileOutput, error) {
			file, err := a.svc.MailboxFile(ctx, in.MessageID, f.kind, 0, delivery.MailboxGuard(a.authz, principal(ctx), authz.Read))
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			return &fileOutput{ContentType: file.ContentType, CacheControl: "no-store",
				ContentDisposition: download.Attachment(file.Name), Body: file.Data}, nil
		})
	}
	coreapi.Register(api, huma.Operation{
		OperationID: "pickupMailboxMessage", Method: http.MethodPost, Path: "/v1/mailbox/{messageId}/pickup", Tags: []string{tagMailbox},
		Summary: "Als abgeholt vermerken", Description: "Vermerkt den Antrag als abgeholt (ins Fachverfahren übernommen); die antragstellende Person sieht den neuen Stand. Ein zweiter Aufruf ändert nichts.",
	}, coreapi.Access{Obj: delivery.ObjMailbox, Act: authz.Update}, func(ctx context.Context, in *messageInput) (*messageOutput, error) {
		m, err := a.svc.PickUp(ctx, in.MessageID, delivery.MailboxGuard(a.authz, principal(ctx), authz.Update))
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &messageOutput{Body: m}, nil
	})
}

// ------------------------------------------------------------- deliveries

type deliveriesInput struct {
	TenantID       string `path:"tenantId" maxLength:"64"`
	Status         string `query:"status" enum:"pending,sent,picked-up,accepted,rejected,failed,"`
	Antragsstrecke string `query:"antragsstrecke" maxLength:"40"`
	Variant        int    `query:"variant" minimum:"0" maximum:"3"`
	Purpose        string `query:"purpose" enum:"application,connection-test,all," doc:"Standard: nur Anträge"`
	Query          string `query:"q" maxLength:"100" doc:"Suche in Aktenzeichen und Antrags-ID"`
	coreapi.PageQuery
}

type deliveriesOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []delivery.DeliveryRecord `json:"items"`
		coreapi.PageBody
	}
}

type deliveryInput struct {
	DeliveryID string `path:"deliveryId" maxLength:"64"`
}

type deliveryOutput struct{ Body *delivery.DeliveryRecord }

type caseInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
}

type runTestInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
	Wait   int    `query:"wait" minimum:"0" maximum:"25" default:"10" doc:"so viele Sekunden auf das Ergebnis warten"`
}

type testOutput struct {
	Body *delivery.ConnectionTest
}

type latestTestOutput struct {
	Body struct {
		Test *delivery.ConnectionTest `json:"test" doc:"der letzte Anbindungstest, null wenn es keinen gibt"`
	}
}

type statisticsOutput struct {
	Body struct {
		Items []delivery.DeliveryCounts `json:"items"`
	}
}

func (a *API) registerDeliveries(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listDeliveries", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/deliveries", Tags: []string{tagDeliveries},
		Summary:     "Zustellungen einer Körperschaft",
		Description: "Stand jeder Zustellung an das Fachverfahren, neueste zuerst: Variante, Status, Versuche, letzter Fehler, Kennung beim Transport.",
	}, coreapi.Access{Obj: delivery.ObjDelivery, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *deliveriesInput) (*deliveriesOutput, error) {
		p, err := coreapi.PageOf[keyset.TimeKey](in.PageQuery, "deliveries")
		if err != nil {
			return nil, err
		}
		rows, err := a.svc.ListPage(ctx, in.TenantID, delivery.Filter{Status: in.Status, Antragsstrecke: in.Antragsstrecke, Variant: in.Variant,
			Purpose: in.Purpose, Query: in.Query}, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &deliveriesOutput{}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "deliveries", rows, p, delivery.DeliveryRecord.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getDelivery", Method: http.MethodGet, Path: "/v1/deliveries/{deliveryId}", Tags: []string{tagDeliveries},
		Summary: "Zustellung mit allen Versuchen",
	}, coreapi.Access{Obj: delivery.ObjDelivery, Act: authz.Read}, func(ctx context.Context, in *deliveryInput) (*deliveryOutput, error) {
		d, err := a.svc.Get(ctx, in.DeliveryID, delivery.PermissionGuard(a.authz, principal(ctx), delivery.ObjDelivery, authz.Read))
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &deliveryOutput{Body: d}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "retryDelivery", Method: http.MethodPost, Path: "/v1/deliveries/{deliveryId}/retry", Tags: []string{tagDeliveries},
		Summary:     "Zustellung wiederholen",
		Description: "Stellt eine gescheiterte oder abgelehnte Zustellung mit neuer Versuchszählung wieder ein. Was schon beim Empfänger liegen kann, wird anhand der gespeicherten Transportkennung fortgesetzt, nicht doppelt gesendet.",
	}, coreapi.Access{Obj: delivery.ObjDelivery, Act: authz.Update}, func(ctx context.Context, in *deliveryInput) (*deliveryOutput, error) {
		p := principal(ctx)
		d, err := a.svc.Retry(ctx, in.DeliveryID, func(tid string) bool {
			return a.authz.Allowed(p, tid, delivery.ObjDelivery, authz.Update)
		})
		if err != nil {
			if errors.Is(err, tenant.ErrNotFound) {
				if _, gerr := a.svc.Get(ctx, in.DeliveryID, delivery.PermissionGuard(a.authz, p, delivery.ObjDelivery, authz.Read)); gerr == nil {
					return nil, huma.Error403Forbidden("Zustellungen wiederholen darf die Administration der Kommune.")
				}
			}
			return nil, a.problem(ctx, err)
		}
		return &deliveryOutput{Body: d}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "runConnectionTest", Method: http.MethodPost, Path: "/v1/onboarding-cases/{caseId}/connection-test", Tags: []string{tagDeliveries},
		Summary: "Anbindungstest ausführen",
		Description: "Sendet einen Testantrag über die im Fall eingerichtete Anbindungsvariante und zeigt Schritt für Schritt, wie weit er kam " +
			"(Token, Schlüssel, Übermittlung, Abholung, Annahme bzw. XTA-Abholung oder Postfach). Ein erfolgreicher Test wird am Fall als Testzustellung vermerkt.",
	}, coreapi.Access{Obj: delivery.ObjConnectionTest, Act: authz.Create}, func(ctx context.Context, in *runTestInput) (*testOutput, error) {
		if err := a.caseAllowed(ctx, in.CaseID, authz.Create); err != nil {
			return nil, err
		}
		t, err := a.svc.RunConnectionTest(ctx, in.CaseID, time.Duration(in.Wait)*time.Second)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &testOutput{Body: t}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getConnectionTest", Method: http.MethodGet, Path: "/v1/onboarding-cases/{caseId}/connection-test", Tags: []string{tagDeliveries},
		Summary: "Letzter Anbindungstest",
	}, coreapi.Access{Obj: delivery.ObjConnectionTest, Act: authz.Read}, func(ctx context.Context, in *caseInput) (*latestTestOutput, error) {
		if err := a.caseAllowed(ctx, in.CaseID, authz.Read); err != nil {
			return nil, err
		}
		t, err := a.svc.LatestConnectionTest(ctx, in.CaseID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &latestTestOutput{}
		out.Body.Test = t
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "deliveryStatistics", Method: http.MethodGet, Path: "/v1/delivery-statistics", Tags: []string{tagDeliveries},
		Extensions:  map[string]any{coreapi.UnpagedKey: "Zahlen je Körperschaft und Variante: eine Auswertung, keine Liste von Datensätzen"},
		Summary:     "Zustellungen je Kommune und Variante",
		Description: "Anzahl der Zustellungen je Körperschaft, Anbindungsvariante und Status – nur Zahlen, keine personenbezogenen Daten.",
	}, coreapi.Access{Obj: delivery.ObjStatistics, Act: authz.Read}, func(ctx context.Context, _ *struct{}) (*statisticsOutput, error) {
		items, err := a.svc.Statistics(ctx, a.authz.Tenants(principal(ctx), delivery.ObjStatistics, authz.Read))
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &statisticsOutput{}
		out.Body.Items = items
		return out, nil
	})
}

// caseAllowed checks act on the case's tenant; another tenant's case is
// not found.
func (a *API) caseAllowed(ctx context.Context, caseID, act string) error {
	tid, err := a.svc.CaseTenant(ctx, caseID)
	if err != nil {
		return a.problem(ctx, err)
	}
	p := principal(ctx)
	if !a.authz.Allowed(p, tid, delivery.ObjConnectionTest, act) {
		if a.authz.Allowed(p, tid, delivery.ObjConnectionTest, authz.Read) {
			return huma.Error403Forbidden("Den Anbindungstest startet die Administration der Kommune.")
		}
		return huma.Error404NotFound("Nicht gefunden.")
	}
	return nil
}

// ------------------------------------------------------------------ DVDV

type dvdvListOutput struct {
	coreapi.PageHeaders
	Body struct {
		Items []dvdv.DirectoryEntry `json:"items"`
		coreapi.PageBody
	}
}

type kennungInput struct {
	Kennung string `path:"kennung" maxLength:"80" doc:"Behördenkennung präfix:schlüssel"`
}

type dvdvPutInput struct {
	Kennung string `path:"kennung" maxLength:"80"`
	Body    struct {
		Name        string `json:"name" maxLength:"200"`
		Endpoint    string `json:"endpoint" maxLength:"500" doc:"https-Adresse des XTA2-Webservice beim Intermediär"`
		Certificate string `json:"certificate" maxLength:"65536" doc:"Zertifikat des Intermediärs (PEM)"`
		Active      bool   `json:"active"`
		Version     int    `json:"version,omitempty" doc:"0 legt an; sonst die gelesene Version"`
	}
}

type dvdvDeleteInput struct {
	Kennung string `path:"kennung" maxLength:"80"`
	Version int    `query:"version" minimum:"0"`
}

type dvdvOutput struct{ Body *dvdv.DirectoryEntry }

func (a *API) registerDVDV(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listDvdvEntries", Method: http.MethodGet, Path: "/v1/dvdv-entries", Tags: []string{tagDVDV}, Summary: "DVDV-Einträge",
		Description: "Nach Behördenkennung.",
	}, coreapi.Access{Obj: delivery.ObjDVDV, Act: authz.Read}, func(ctx context.Context, in *coreapi.PageQuery) (*dvdvListOutput, error) {
		p, err := coreapi.PageOf[dvdv.KennungKey](*in, "dvdv-entries")
		if err != nil {
			return nil, err
		}
		rows, err := a.dir.ListPage(ctx, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &dvdvListOutput{}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "dvdv-entries", rows, p, dvdv.DirectoryEntry.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getDvdvEntry", Method: http.MethodGet, Path: "/v1/dvdv-entries/{kennung}", Tags: []string{tagDVDV}, Summary: "DVDV-Eintrag",
	}, coreapi.Access{Obj: delivery.ObjDVDV, Act: authz.Read}, func(ctx context.Context, in *kennungInput) (*dvdvOutput, error) {
		e, err := a.dir.Lookup(ctx, in.Kennung)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &dvdvOutput{Body: e}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putDvdvEntry", Method: http.MethodPut, Path: "/v1/dvdv-entries/{kennung}", Tags: []string{tagDVDV},
		Summary: "DVDV-Eintrag anlegen oder ändern", Description: "Mit version 0 wird angelegt, sonst die gelesene Version geändert (409 bei zwischenzeitlicher Änderung).",
	}, coreapi.Access{Obj: delivery.ObjDVDV, Act: authz.Update}, func(ctx context.Context, in *dvdvPutInput) (*dvdvOutput, error) {
		e, err := a.dir.Put(ctx, a.auditTenant(ctx, authz.Update), in.Kennung, in.Body.Version, dvdv.Input{Name: in.Body.Name,
			Endpoint: in.Body.Endpoint, Certificate: in.Body.Certificate, Active: in.Body.Active})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &dvdvOutput{Body: e}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "deleteDvdvEntry", Method: http.MethodDelete, Path: "/v1/dvdv-entries/{kennung}", Tags: []string{tagDVDV},
		Summary: "DVDV-Eintrag löschen",
	}, coreapi.Access{Obj: delivery.ObjDVDV, Act: authz.Delete}, func(ctx context.Context, in *dvdvDeleteInput) (*struct{}, error) {
		if err := a.dir.Delete(ctx, a.auditTenant(ctx, authz.Delete), in.Kennung, in.Version); err != nil {
			return nil, a.problem(ctx, err)
		}
		return nil, nil
	})
}

// auditTenant is the tenant in whose name directory changes are
// recorded: the root (Land) among the caller's tenants.
func (a *API) auditTenant(ctx context.Context, act string) string {
	ts := a.authz.Tenants(principal(ctx), delivery.ObjDVDV, act)
	if i := slices.IndexFunc(ts, a.authz.IsRoot); i >= 0 {
		return ts[i]
	}
	if len(ts) > 0 {
		return ts[0]
	}
	return ""
}
