package api

import (
	"bytes"
	"context"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// RolloutQuery is the filter of the rollout report and its cases. It is
// exported because huma finds query parameters only in exported embedded
// structs.
type RolloutQuery struct {
	Format         string `query:"format" enum:"json,csv" doc:"csv liefert die gewählte Tabelle als CSV (UTF-8, Semikolon), immer vollständig: limit und cursor gelten nur für JSON"`
	Table          string `query:"table" enum:"matrix,districts,go-lives" doc:"bei format=csv: matrix (Umsetzungsstand), districts (Kreise) oder go-lives (Livegänge je Monat)"`
	TenantID       string `query:"tenantId" maxLength:"64" doc:"nur diese Körperschaft und die darunter"`
	OZGID          string `query:"ozgId" maxLength:"10" doc:"nur dieser Onlinedienst"`
	Antragsstrecke string `query:"antragsstrecke" maxLength:"40" doc:"nur diese Antragsstrecke"`
	LegalBasis     string `query:"rechtskreis" maxLength:"40" doc:"nur Zeilen, deren Rechtskreis dies enthält, z. B. SGB II"`
	OnlyOrdered    bool   `query:"onlyOrdered" doc:"nur Zeilen mit mindestens einer Bestellung"`
}

func (in *RolloutQuery) filter(visible []string) (onboarding.RolloutFilter, error) {
	f := onboarding.RolloutFilter{TenantIDs: visible, TenantID: in.TenantID, OZGID: in.OZGID, Antragsstrecke: in.Antragsstrecke,
		LegalBasis: in.LegalBasis, OnlyOrdered: in.OnlyOrdered}
	if in.TenantID != "" && !slices.Contains(visible, in.TenantID) {
		return f, huma.Error404NotFound("Diese Körperschaft gibt es nicht oder sie liegt außerhalb Ihres Bereichs.")
	}
	return f, nil
}

// rolloutCasesInput is the report's filter with paging (JSON only).
type rolloutCasesInput struct {
	RolloutQuery
	coreapi.PageQuery
}

type csvOrJSONOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

// pagedCSVOrJSONOutput is csvOrJSONOutput of a listing: JSON by pages with
// a Link header, CSV whole.
type pagedCSVOrJSONOutput struct {
	coreapi.PageHeaders
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

// whole is a CSV answer of a listing: not paged.
func whole(out *csvOrJSONOutput, err error) (*pagedCSVOrJSONOutput, error) {
	if err != nil {
		return nil, err
	}
	return &pagedCSVOrJSONOutput{ContentType: out.ContentType, ContentDisposition: out.ContentDisposition, Body: out.Body}, nil
}

func csvOutput(t onboarding.CSVTable, name string) (*csvOrJSONOutput, error) {
	var buf bytes.Buffer
	if err := t.WriteCSV(&buf); err != nil {
		return nil, err
	}
	return &csvOrJSONOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: download.Attachment(name), Body: buf.Bytes()}, nil
}

func (a *API) registerRollout(api huma.API) {
	op := huma.Operation{
		OperationID: "getRollout", Method: http.MethodGet, Path: "/v1/rollout", Tags: []string{tagRollout},
		Summary: "Umsetzungsstand",
		Description: "Die Tabelle „Umsetzungsstand“ über alle Kommunen: je Antragsstrecke OZG-ID, Onlinedienst, Rechtskreis, die drei Phasen " +
			"(weitester Stand und Anzahl je Stand) und die Zahlen bestellt / in Anbindungstests / live; dazu die Kreise und die Livegänge je Monat. " +
			"`format=csv` liefert eine Tabelle als CSV. Nur für das Ministerium.",
	}
	docResponse(api, &op, onboarding.Rollout{}, "text/csv", "Umsetzungsstand")
	coreapi.Register(api, op, coreapi.Access{Obj: onboarding.ObjRollout, Act: authz.Read}, func(ctx context.Context, in *RolloutQuery) (*csvOrJSONOutput, error) {
		f, err := in.filter(a.visible(ctx, onboarding.ObjRollout, authz.Read))
		if err != nil {
			return nil, err
		}
		r, err := a.store.RolloutReport(ctx, f)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if in.Format != "csv" {
			return &csvOrJSONOutput{ContentType: "application/json", Body: r}, nil
		}
		switch in.Table {
		case "districts":
			return csvOutput(a.store.DistrictsCSV(r), "kreise.csv")
		case "go-lives":
			return csvOutput(a.store.GoLivesCSV(r), "livegaenge.csv")
		}
		return csvOutput(a.store.MatrixCSV(r), "umsetzungsstand.csv")
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "listMissingDVDVEntries", Method: http.MethodGet, Path: "/v1/rollout/missing-dvdv-entries", Tags: []string{tagRollout},
		Extensions: map[string]any{coreapi.UnpagedKey: "höchstens eine Zeile je Kommune und Behördenkennung"},
		Summary:    "Fehlende DVDV-Einträge",
		Description: "Behördenkennungen, die Fälle der Variante 1 nennen, für die das DVDV-Verzeichnis aber keinen (aktiven) Eintrag hat: " +
			"die Einträge, die das Ministerium noch anlegen muss, mit den betroffenen Fällen.",
	}, coreapi.Access{Obj: onboarding.ObjRollout, Act: authz.Read}, func(ctx context.Context, _ *struct{}) (*missingDVDVOutput, error) {
		all, err := a.store.MissingDVDVEntries(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		visible := a.visible(ctx, onboarding.ObjRollout, authz.Read)
		out := &missingDVDVOutput{}
		out.Body.Items = []onboarding.MissingDVDV{}
		for _, m := range all {
			if slices.Contains(visible, m.TenantID) {
				out.Body.Items = append(out.Body.Items, m)
			}
		}
		return out, nil
	})

	cases := huma.Operation{
		OperationID: "listRolloutCases", Method: http.MethodGet, Path: "/v1/rollout/cases", Tags: []string{tagRollout},
		Summary:     "Umsetzungsstand je Kommune und Antragsstrecke",
		Description: "Die einzelnen Fälle hinter der Tabelle – mit `tenantId` je Kommune, mit `antragsstrecke` je Dienst; nach amtlichem Schlüssel, dann Katalog. `format=csv` liefert alle als CSV.",
	}
	docResponse(api, &cases, rolloutCasesBody{}, "text/csv", "Fälle")
	coreapi.Register(api, cases, coreapi.Access{Obj: onboarding.ObjRollout, Act: authz.Read}, func(ctx context.Context, in *rolloutCasesInput) (*pagedCSVOrJSONOutput, error) {
		f, err := in.filter(a.visible(ctx, onboarding.ObjRollout, authz.Read))
		if err != nil {
			return nil, err
		}
		if in.Format == "csv" {
			items, err := a.store.RolloutCases(ctx, f)
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			return whole(csvOutput(a.store.CasesCSV(items), "faelle.csv"))
		}
		p, err := coreapi.PageOf[onboarding.RolloutCaseKey](in.PageQuery, "rollout-cases")
		if err != nil {
			return nil, err
		}
		rows, err := a.store.ListRolloutCasesPage(ctx, f, p)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		var body rolloutCasesBody
		var pg coreapi.Page
		if body.Items, pg, err = coreapi.NextPage(ctx, "rollout-cases", rows, p, onboarding.RolloutCase.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		body.PageBody = pg.Body
		return &pagedCSVOrJSONOutput{PageHeaders: pg.Headers, ContentType: "application/json", Body: body}, nil
	})
}

type rolloutCasesBody struct {
	Items []onboarding.RolloutCase `json:"items"`
	coreapi.PageBody
}

type missingDVDVOutput struct {
	Body struct {
		Items []onboarding.MissingDVDV `json:"items"`
	}
}
