package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

type catalogOutput struct {
	Body struct {
		Items    []onboarding.Onlinedienst `json:"items"`
		Variants []onboarding.VariantInfo  `json:"variants" doc:"die drei Anbindungsvarianten mit Erläuterung"`
	}
}

func (a *API) registerCatalog(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listOnlinedienste", Method: http.MethodGet, Path: "/v1/onlinedienste", Tags: []string{tagCases},
		Extensions:  map[string]any{coreapi.UnpagedKey: "Katalog der Onlinedienste und Antragsstrecken: fest, wenige Dutzend"},
		Summary:     "Onlinedienste und Antragsstrecken",
		Description: "Der Katalog in der Reihenfolge der Tabelle „Umsetzungsstand“: OZG-ID, Onlinedienst, Antragsstrecken mit Rechtskreis; dazu die drei Anbindungsvarianten.",
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Read}, func(ctx context.Context, _ *struct{}) (*catalogOutput, error) {
		items, err := a.store.Catalog(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &catalogOutput{}
		out.Body.Items = items
		for _, v := range onboarding.Variants() {
			out.Body.Variants = append(out.Body.Variants, v.Info())
		}
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putAntragsstreckeFitconnectService", Method: http.MethodPut, Path: "/v1/antragsstrecken/{key}/fitconnect-service",
		Tags: []string{tagCases}, Summary: "FIT-Connect-Leistungskennung einer Antragsstrecke",
		Description: "Das Ministerium hinterlegt je Antragsstrecke die LeiKa-Kennung, unter der FIT-Connect-Zustellpunkte die Leistung anbieten; " +
			"jede Einreichung der Antragsstrecke wird damit angekündigt. Ein hier gesetzter Wert ist nie ein Demowert.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjCatalog, Act: authz.Update}, func(ctx context.Context, in *putServiceInput) (*antragsstreckeOutput, error) {
		st, err := a.store.SetFITConnectService(ctx, in.Key, onboarding.ServiceInput{Identifier: in.Body.FITConnectService})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &antragsstreckeOutput{Body: st}, nil
	})
}

type putServiceInput struct {
	Key  string `path:"key" maxLength:"40" doc:"Schlüssel der Antragsstrecke, z. B. hzl"`
	Body struct {
		FITConnectService string `json:"fitConnectService" maxLength:"80" doc:"LeiKa-Kennung urn:de:fim:leika:leistung: und 14 Ziffern (oder nur die 14 Ziffern); leer entfernt sie"`
	}
}

type antragsstreckeOutput struct{ Body *onboarding.Antragsstrecke }

type listCasesInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
}

type listCasesOutput struct {
	Body struct {
		Items []onboarding.Case `json:"items"`
	}
}

type casePathInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
}

type caseOutput struct{ Body *onboarding.CaseDetail }

// transportPatch changes single transport parameters; a field left out
// stays as it is, an empty string clears it.
type transportPatch struct {
	DVDVKennung   *string   `json:"dvdvKennung,omitempty" maxLength:"80" doc:"DVDV-Behördenkennung präfix:schlüssel (Variante 1)"`
	DestinationID *string   `json:"destinationId,omitempty" maxLength:"64" doc:"DestinationID des Zustellpunkts (UUID, Variante 3)"`
	MailboxUsers  *[]string `json:"mailboxUsers,omitempty" maxItems:"50" doc:"E-Mail-Adressen der Postfach-Benutzer (Variante 2)"`
}

func (p *transportPatch) apply(t onboarding.Transport) onboarding.Transport {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.DVDVKennung, p.DVDVKennung)
	set(&t.DestinationID, p.DestinationID)
	if p.MailboxUsers != nil {
		t.MailboxUsers = *p.MailboxUsers
	}
	return t
}

type updateCaseInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
	Body   struct {
		Version         int             `json:"version,omitempty" minimum:"0" doc:"Stand des Falls, auf dem die Änderung beruht (Pflicht); bei Abweichung 409"`
		Variant         *int            `json:"variant,omitempty" minimum:"1" maximum:"3" doc:"Anbindungsvariante: 1 OSCI/XTA2, 2 OSCI-Client, 3 FIT-Connect"`
		FachverfahrenID *string         `json:"fachverfahrenId,omitempty" maxLength:"64" doc:"Fachverfahren aus der Übersicht; leer entfernt es"`
		Transport       *transportPatch `json:"transport,omitempty"`
		PlannedLiveOn   *string         `json:"plannedLiveOn,omitempty" maxLength:"10" doc:"geplanter Livegang JJJJ-MM-TT; leer entfernt ihn"`
		LiveConfirmed   *bool           `json:"liveConfirmed,omitempty" doc:"nur Ministerium: Livegang ohne erfasste Testzustellung bestätigen"`
		// Confirming over a failed or missing connection test needs both.
		AcknowledgeFailedTest bool   `json:"acknowledgeFailedTest,omitempty" doc:"nur Ministerium: ausdrücklich bestätigen, dass der letzte Anbindungstest fehlgeschlagen ist oder fehlt (Pflicht in diesem Fall; wird protokolliert)"`
		ConfirmationReason    string `json:"confirmationReason,omitempty" maxLength:"500" doc:"Begründung der Bestätigung ohne erfolgreichen Anbindungstest (Pflicht in diesem Fall; wird protokolliert)"`
	}
}

type adoptInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
	Body   struct {
		Targets []string `json:"targets,omitempty" maxItems:"100" doc:"IDs der Fälle derselben Körperschaft, die die Anbindung übernehmen; leer: alle, die es können"`
	}
}

type adoptOutput struct {
	Body *onboarding.AdoptResult
}

type phaseInput struct {
	CaseID string `path:"caseId" maxLength:"64"`
	Phase  string `path:"phase" enum:"preparation,connection-tests,production"`
	Body   struct {
		Status  string `json:"status,omitempty" enum:"not-started,in-progress,completed"`
		Version int    `json:"version,omitempty" minimum:"0" doc:"Stand des Falls; bei Abweichung 409 (optional)"`
	}
}

func (a *API) registerCases(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listOnboardingCases", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/onboarding-cases", Tags: []string{tagCases},
		Extensions: map[string]any{coreapi.UnpagedKey: "ein Fall je bestellter Antragsstrecke: höchstens so viele wie der Katalog"},
		Summary:    "Anbindungsfälle einer Körperschaft", Description: "Ein Fall je bestellter Antragsstrecke, mit Variante, Fachverfahren, Anbindungsdaten und den drei Phasen.",
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *listCasesInput) (*listCasesOutput, error) {
		items, err := a.store.ListCases(ctx, in.TenantID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &listCasesOutput{}
		out.Body.Items = items
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "getOnboardingCase", Method: http.MethodGet, Path: "/v1/onboarding-cases/{caseId}", Tags: []string{tagCases},
		Summary:     "Anbindungsfall lesen",
		Description: "Der Fall mit Checkliste, gewähltem Fachverfahren, Kompatibilitätswarnungen und der Liste „Was ist als Nächstes zu tun?“.",
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Read}, func(ctx context.Context, in *casePathInput) (*caseOutput, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Read); err != nil {
			return nil, err
		}
		d, err := a.store.Detail(ctx, in.CaseID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &caseOutput{Body: d}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "updateOnboardingCase", Method: http.MethodPatch, Path: "/v1/onboarding-cases/{caseId}", Tags: []string{tagCases},
		Summary: "Variante, Fachverfahren und Anbindungsdaten ändern",
		Description: "Ändert die angegebenen Felder. Die Anbindungsdaten werden geprüft (DVDV-Kennung, https-Adressen, DestinationID, " +
			"Schlüssel: RSA ≥ 4096 Bit mit gültigem Zertifikat). `version` ist Pflicht; wurde der Fall zwischenzeitlich geändert, antwortet die API mit 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Update}, func(ctx context.Context, in *updateCaseInput) (*caseOutput, error) {
		c, err := a.caseFor(ctx, in.CaseID, authz.Update)
		if err != nil {
			return nil, err
		}
		b := in.Body
		if b.Version == 0 {
			return nil, huma.Error422UnprocessableEntity("Bitte geben Sie die Version des Falls an, auf der Ihre Änderung beruht.",
				&huma.ErrorDetail{Location: "body.version", Message: "Pflichtfeld"})
		}
		if b.LiveConfirmed != nil {
			if !a.authz.Allowed(authz.PrincipalFrom(ctx), c.TenantID, onboarding.ObjGoLive, authz.Update) {
				return nil, huma.Error403Forbidden("Den Livegang bestätigt das Ministerium.")
			}
		}
		p := onboarding.CasePatch{FachverfahrenID: b.FachverfahrenID}
		if b.Variant != nil {
			v := onboarding.Variant(*b.Variant)
			p.Variant = &v
		}
		if b.Transport != nil {
			t := b.Transport.apply(c.Transport)
			p.Transport = &t
		}
		if b.PlannedLiveOn != nil {
			d, err := date(*b.PlannedLiveOn, a.store.Location())
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("Das Datum hat die Form JJJJ-MM-TT.",
					&huma.ErrorDetail{Location: "body.plannedLiveOn", Message: "kein Datum", Value: *b.PlannedLiveOn})
			}
			p.PlannedLiveOn = &d
		}
		version := b.Version
		if p != (onboarding.CasePatch{}) {
			updated, err := a.store.UpdateCase(ctx, in.CaseID, version, p)
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			version = updated.Version
		}
		if b.LiveConfirmed != nil {
			g := onboarding.GoLiveConfirmation{Confirmed: *b.LiveConfirmed, Acknowledged: b.AcknowledgeFailedTest, Reason: b.ConfirmationReason}
			if _, err := a.store.ConfirmGoLive(ctx, in.CaseID, version, g); err != nil {
				return nil, a.problem(ctx, err)
			}
		}
		d, err := a.store.Detail(ctx, in.CaseID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &caseOutput{Body: d}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "adoptOnboardingConnection", Method: http.MethodPost, Path: "/v1/onboarding-cases/{caseId}/adopt-connection", Tags: []string{tagCases},
		Summary: "Anbindung für weitere Antragsstrecken übernehmen",
		Description: "Überträgt Variante, Fachverfahren und Anbindungsdaten dieses Falls (mit den dort abgehakten Punkten der Variante) auf die " +
			"genannten Fälle derselben Körperschaft. Fälle, die schon live sind oder deren Vorbereitung mit einer anderen Variante abgeschlossen ist, " +
			"werden mit Grund übersprungen. Ohne Variante im Quellfall antwortet die API mit 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Update}, func(ctx context.Context, in *adoptInput) (*adoptOutput, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Update); err != nil {
			return nil, err
		}
		res, err := a.store.AdoptConnection(ctx, in.CaseID, in.Body.Targets)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &adoptOutput{Body: res}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "setOnboardingPhase", Method: http.MethodPut, Path: "/v1/onboarding-cases/{caseId}/phases/{phase}", Tags: []string{tagCases},
		Summary: "Phase setzen",
		Description: "Setzt eine Phase (preparation, connection-tests, production) auf not-started, in-progress oder completed. " +
			"Regeln: Eine Phase beginnt und endet erst nach der vorigen; abgeschlossen wird sie erst, wenn ihre Checkliste erledigt ist; " +
			"der Livegang braucht eine erfolgreiche Testzustellung oder die Bestätigung des Ministeriums. Ein Regelverstoß antwortet 409 mit den Gründen.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Update}, func(ctx context.Context, in *phaseInput) (*caseOutput, error) {
		if _, err := a.caseFor(ctx, in.CaseID, authz.Update); err != nil {
			return nil, err
		}
		if in.Body.Status == "" {
			return nil, huma.Error422UnprocessableEntity("Bitte geben Sie den Stand an: not-started, in-progress oder completed.",
				&huma.ErrorDetail{Location: "body.status", Message: "Pflichtfeld"})
		}
		if _, err := a.store.SetPhase(ctx, in.CaseID, onboarding.Phase(in.Phase), onboarding.Status(in.Body.Status), in.Body.Version); err != nil {
			return nil, a.problem(ctx, err)
		}
		d, err := a.store.Detail(ctx, in.CaseID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &caseOutput{Body: d}, nil
	})
}

// calendarInput names a tenant's feed.
type calendarInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
}

type calendarOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

func (a *API) registerCalendar(api huma.API) {
	op := huma.Operation{
		OperationID: "getOnboardingCalendar", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/calendar.ics", Tags: []string{tagConsultations},
		Summary:     "Kalender (iCalendar)",
		Description: "Die Sprechstunden (ab einem halben Jahr zurück, mit Hinweis auf die eigene Anmeldung) und die Livegänge der Körperschaft als iCalendar-Datei (RFC 5545).",
	}
	op.Responses = map[string]*huma.Response{"200": {Description: "iCalendar-Datei", Content: map[string]*huma.MediaType{
		"text/calendar": {Schema: &huma.Schema{Type: "string"}}}}}
	coreapi.Register(api, op, coreapi.Access{Obj: onboarding.ObjCase, Act: authz.Read, TenantParam: "tenantId"},
		func(ctx context.Context, in *calendarInput) (*calendarOutput, error) {
			b, err := a.store.Calendar(ctx, in.TenantID)
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			return &calendarOutput{ContentType: "text/calendar; charset=utf-8", ContentDisposition: download.Inline("sozialplattform.ics"),
				CacheControl: "private, max-age=300", Body: b}, nil
		})
}
