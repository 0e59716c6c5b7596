package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/onboarding"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type listFachverfahrenInput struct {
	Format  string `query:"format" enum:"json,csv"`
	Variant int    `query:"variant" minimum:"0" maximum:"3" doc:"mit Warnungen, wenn das Fachverfahren die Schnittstelle dieser Variante (noch) nicht unterstützt"`
}

type fachverfahrenView struct {
	onboarding.Fachverfahren
	Warnings []onboarding.Warning `json:"warnings,omitempty"`
}

type fachverfahrenList struct {
	Items []fachverfahrenView `json:"items"`
}

type interfaceInput struct {
	FITConnect   *onboarding.InterfaceStatus `json:"fit-connect,omitempty"`
	OSCI         *onboarding.InterfaceStatus `json:"osci,omitempty"`
	XTA2         *onboarding.InterfaceStatus `json:"xta2,omitempty"`
	XSozialBasis *onboarding.InterfaceStatus `json:"xsozial-basis,omitempty"`
}

type putFachverfahrenInput struct {
	ID   string `path:"fachverfahrenId" maxLength:"64"`
	Body struct {
		Version    int            `json:"version,omitempty" minimum:"0" doc:"Stand, auf dem die Änderung beruht; bei Abweichung 409"`
		Product    string         `json:"product,omitempty" maxLength:"200"`
		Vendor     string         `json:"vendor,omitempty" maxLength:"200"`
		Interfaces interfaceInput `json:"interfaces,omitempty" doc:"je Schnittstelle state (done, in-progress, planned, not-planned, unknown) und bei planned das Jahr"`
		Remarks    string         `json:"remarks,omitempty" maxLength:"2000"`
		AsOf       string         `json:"asOf,omitempty" maxLength:"10" doc:"Stand JJJJ-MM-TT; leer: heute"`
		Position   *int           `json:"position,omitempty"`
	}
}

type fachverfahrenOutput struct{ Body *onboarding.Fachverfahren }

func (a *API) registerFachverfahren(api huma.API) {
	list := huma.Operation{
		OperationID: "listFachverfahren", Method: http.MethodGet, Path: "/v1/fachverfahren", Tags: []string{tagFachverfahren},
		Extensions:  map[string]any{coreapi.UnpagedKey: "Register der Fachverfahren (Hersteller und Produkte), wenige Dutzend, als Ganzes für Auswahllisten und CSV"},
		Summary:     "Übersicht der Fachverfahren",
		Description: "Produkt, Hersteller, Stand je Schnittstelle (FIT-Connect, OSCI, XTA2, XSozial-basis), Anmerkungen und Stand-Datum. Mit `variant` die Kompatibilitätswarnungen je Fachverfahren.",
	}
	docResponse(api, &list, fachverfahrenList{}, "text/csv", "Fachverfahren")
	coreapi.Register(api, list, coreapi.Access{Obj: onboarding.ObjFachverfahren, Act: authz.Read}, func(ctx context.Context, in *listFachverfahrenInput) (*csvOrJSONOutput, error) {
		fs, err := a.store.ListFachverfahren(ctx)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		if in.Format == "csv" {
			return csvOutput(a.store.FachverfahrenCSV(fs), "fachverfahren.csv")
		}
		body := fachverfahrenList{Items: []fachverfahrenView{}}
		for i := range fs {
			body.Items = append(body.Items, fachverfahrenView{Fachverfahren: fs[i], Warnings: onboarding.Compatibility(&fs[i], onboarding.Variant(in.Variant))})
		}
		return &csvOrJSONOutput{ContentType: "application/json", Body: body}, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putFachverfahren", Method: http.MethodPut, Path: "/v1/fachverfahren/{fachverfahrenId}", Tags: []string{tagFachverfahren},
		Summary: "Fachverfahren anlegen oder ändern", Description: "Legt die Zeile an oder ersetzt sie. Nur für das Ministerium.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjFachverfahren, Act: authz.Update}, func(ctx context.Context, in *putFachverfahrenInput) (*fachverfahrenOutput, error) {
		b := in.Body
		asOf, err := date(b.AsOf, a.store.Location())
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("Das Datum hat die Form JJJJ-MM-TT.", &huma.ErrorDetail{Location: "body.asOf", Message: "kein Datum"})
		}
		ifaces := map[onboarding.Interface]onboarding.InterfaceStatus{}
		for i, st := range map[onboarding.Interface]*onboarding.InterfaceStatus{onboarding.IfaceFITConnect: b.Interfaces.FITConnect,
			onboarding.IfaceOSCI: b.Interfaces.OSCI, onboarding.IfaceXTA2: b.Interfaces.XTA2, onboarding.IfaceXSozialBasis: b.Interfaces.XSozialBasis} {
			if st != nil {
				ifaces[i] = *st
			}
		}
		f, err := a.store.PutFachverfahren(ctx, in.ID, b.Version, onboarding.FachverfahrenInput{Product: b.Product, Vendor: b.Vendor,
			Interfaces: ifaces, Remarks: b.Remarks, AsOf: asOf, Position: b.Position})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &fachverfahrenOutput{Body: f}, nil
	})
}

type listTemplatesInput struct {
	All bool `query:"all" doc:"auch deaktivierte Vorlagen"`
}

type listTemplatesOutput struct {
	Body struct {
		Items []onboarding.Template `json:"items"`
	}
}

type putTemplateInput struct {
	ID   string `path:"templateId" maxLength:"64"`
	Body struct {
		Version     int    `json:"version,omitempty" minimum:"0"`
		Variant     int    `json:"variant,omitempty" minimum:"0" maximum:"3" doc:"0 = alle Varianten"`
		Phase       string `json:"phase,omitempty" enum:"preparation,connection-tests,production"`
		Title       string `json:"title,omitempty" maxLength:"200"`
		Description string `json:"description,omitempty" maxLength:"2000"`
		Position    int    `json:"position,omitempty"`
		Active      *bool  `json:"active,omitempty" doc:"Standard: aktiv"`
		Scope       string `json:"scope,omitempty" enum:"case,tenant" doc:"case (Standard): je Antragsstrecke; tenant: einmal je Kommune für alle ihre Fälle"`
		Fact        string `json:"fact,omitempty" enum:"key-valid,destination-active,dvdv-entry,dvdv-certificate,mailbox-users,test-received,consultation-attended" doc:"Tatsache, die das System prüft und den Punkt setzt; leer: Menschen haken ab"`
	}
}

type templateOutput struct{ Body *onboarding.Template }

func (a *API) registerTemplates(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listChecklistTemplates", Method: http.MethodGet, Path: "/v1/checklist-templates", Tags: []string{tagCases},
		Extensions: map[string]any{coreapi.UnpagedKey: "Vorlagen der Checklisten je Variante: Konfiguration, wenige Einträge"},
		Summary:    "Vorlagen der Checkliste", Description: "Die Punkte, die jeder Fall je Variante und Phase bekommt; gepflegt vom Ministerium.",
	}, coreapi.Access{Obj: onboarding.ObjChecklistTemplate, Act: authz.Read}, func(ctx context.Context, in *listTemplatesInput) (*listTemplatesOutput, error) {
		items, err := a.store.ListTemplates(ctx, in.All)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &listTemplatesOutput{}
		out.Body.Items = items
		return out, nil
	})
	coreapi.Register(api, huma.Operation{
		OperationID: "putChecklistTemplate", Method: http.MethodPut, Path: "/v1/checklist-templates/{templateId}", Tags: []string{tagCases},
		Summary: "Vorlage anlegen oder ändern",
		Description: "Eine neue oder wieder aktivierte Vorlage erscheint in allen Fällen der Variante, deren Phase noch nicht abgeschlossen ist; " +
			"eine deaktivierte verschwindet dort, wo nichts zu ihr vermerkt ist. Nur für das Ministerium.",
		Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: onboarding.ObjChecklistTemplate, Act: authz.Update}, func(ctx context.Context, in *putTemplateInput) (*templateOutput, error) {
		b := in.Body
		active := b.Active == nil || *b.Active
		t, err := a.store.PutTemplate(ctx, in.ID, b.Version, onboarding.TemplateInput{Variant: onboarding.Variant(b.Variant),
			Phase: onboarding.Phase(b.Phase), Title: b.Title, Description: b.Description, Position: b.Position, Active: active,
			Scope: onboarding.Scope(b.Scope), Fact: onboarding.Fact(b.Fact)})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &templateOutput{Body: t}, nil
	})
}
