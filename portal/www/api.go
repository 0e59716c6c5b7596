package www

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/finder"
	"sozialplattform/portal/site"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

// Tags of the portal's operations in the API documentation.
const (
	tagFinder = "Sozialleistungsfinder"
	tagPortal = "Bürgerportal"
)

type evaluateInput struct {
	Lang string `query:"lang" enum:"de,en,ar,uk,tr,ru" default:"de" doc:"Sprache der Texte"`
	Body struct {
		Answers map[string]any `json:"answers" doc:"Antworten je Frage-ID: true/false, ganze Zahl, Option oder Liste von Optionen; null oder fehlend = keine Angabe"`
	}
}

type evaluateReason struct {
	Text string `json:"text"`
	Law  string `json:"law" doc:"Rechtsgrundlage"`
}

type evaluateMissing struct {
	Question string `json:"question"`
	Label    string `json:"label"`
}

type evaluateResult struct {
	Benefit     string            `json:"benefit"`
	Name        string            `json:"name"`
	Status      finder.Status     `json:"status" enum:"possible,unlikely,missing" doc:"possible = Möglicherweise Anspruch, unlikely = Wahrscheinlich kein Anspruch, missing = Fehlende Angaben"`
	StatusLabel string            `json:"statusLabel"`
	Law         string            `json:"law"`
	Reasons     []evaluateReason  `json:"reasons"`
	Missing     []evaluateMissing `json:"missing"`
	NotChecked  []string          `json:"notChecked" doc:"Voraussetzungen, die der Finder nicht prüft"`
	Information string            `json:"information,omitempty" doc:"Pfad der Informationsseite"`
}

type evaluateOutput struct {
	Body struct {
		RulesVersion string           `json:"rulesVersion"`
		Date         string           `json:"date" doc:"Stichtag der Parameter (Regelbedarfe, Kindergeld …)"`
		Notice       string           `json:"notice"`
		Results      []evaluateResult `json:"results"`
	}
}

type questionsOutput struct {
	Body struct {
		RulesVersion string          `json:"rulesVersion"`
		Groups       []questionGroup `json:"groups"`
	}
}

type questionGroup struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Questions []questionInfo `json:"questions"`
}

type questionInfo struct {
	ID      string            `json:"id"`
	Type    string            `json:"type" enum:"bool,int,choice,multi"`
	Label   string            `json:"label"`
	Hint    string            `json:"hint"`
	Min     *int              `json:"min,omitempty"`
	Max     *int              `json:"max,omitempty"`
	Options map[string]string `json:"options,omitempty"`
}

type langInput struct {
	Lang string `query:"lang" enum:"de,en,ar,uk,tr,ru" default:"de" doc:"Sprache der Texte"`
}

type linksInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
}

type linksOutput struct {
	Body struct {
		Items []site.Link `json:"items"`
	}
}

type addLinkInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		Service     string `json:"service" enum:"buergergeld,hzl,grusi,but,asylblg,mietrueckstaende,wbs,wohngeld,kinderzuschlag,kindergeld,bafoeg"`
		Title       string `json:"title" minLength:"1" maxLength:"200"`
		URL         string `json:"url" maxLength:"500" doc:"https://…"`
		Description string `json:"description,omitempty" maxLength:"1000"`
	}
}

type linkOutput struct{ Body site.Link }

type linkPathInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	LinkID   string `path:"linkId" maxLength:"64"`
}

// ObjPortal is the permission object of a tenant's portal settings and
// links.
const ObjPortal = site.ObjPortal

// RegisterAPI adds the portal's operations: the finder (public), the
// links to online services on other portals and the responsible offices
// (per tenant).
func (p *Portal) RegisterAPI(hapi huma.API) {
	api.Register(hapi, huma.Operation{
		OperationID: "finderEvaluate", Method: http.MethodPost, Path: "/v1/finder/evaluate", Tags: []string{tagFinder},
		Summary: "Sozialleistungsfinder auswerten",
		Description: "Bewertet für jede Leistung: possible (Möglicherweise Anspruch), unlikely (Wahrscheinlich kein Anspruch) " +
			"oder missing (Fehlende Angaben), mit Begründung, Rechtsgrundlage und den fehlenden Fragen. Orientierung, keine verbindliche Entscheidung. " +
			"Unbekannte Frage-IDs und ungültige Werte: 422 mit dem Feld.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, api.Access{Public: true}, func(ctx context.Context, in *evaluateInput) (*evaluateOutput, error) {
		raw := make(map[string]json.RawMessage, len(in.Body.Answers))
		if len(in.Body.Answers) > 2*len(p.rules.Questions()) {
			return nil, huma.Error422UnprocessableEntity("Zu viele Antworten.")
		}
		for k, v := range in.Body.Answers {
			b, err := json.Marshal(v)
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("Ungültiger Wert.", &huma.ErrorDetail{Location: "body.answers." + k})
			}
			raw[k] = b
		}
		answers, problems := p.rules.FromJSON(raw)
		cat := p.cats[in.Lang]
		if cat == nil {
			cat = p.cats["de"]
		}
		if len(problems) > 0 {
			details := make([]error, len(problems))
			for i, pr := range problems {
				details[i] = &huma.ErrorDetail{Location: "body.answers." + pr.Question, Message: problemText(p.cats["de"], pr), Value: in.Body.Answers[pr.Question]}
			}
			return nil, huma.Error422UnprocessableEntity("Die Antworten sind nicht gültig.", details...)
		}
		now := p.now()
		ev, err := p.rules.Evaluate(answers, now)
		if err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		out := &evaluateOutput{}
		out.Body.RulesVersion = ev.Version
		out.Body.Date = now.In(p.loc).Format(time.DateOnly)
		out.Body.Notice = cat.T("finder.orientation")
		out.Body.Results = make([]evaluateResult, 0, len(ev.Results))
		for _, res := range ev.Results {
			b := res.Benefit
			er := evaluateResult{Benefit: b.ID, Name: cat.T("finder.benefit." + b.ID + ".name"), Status: res.Status,
				StatusLabel: cat.T("finder.status." + string(res.Status)), Law: b.Law,
				Reasons: []evaluateReason{}, Missing: []evaluateMissing{}, NotChecked: []string{}}
			for _, rs := range res.Reasons {
				er.Reasons = append(er.Reasons, evaluateReason{Text: reasonText(cat, rs), Law: rs.Law})
			}
			for _, q := range res.Missing {
				er.Missing = append(er.Missing, evaluateMissing{Question: q.ID, Label: cat.T("finder.q." + q.ID + ".label")})
			}
			for _, n := range b.NotChecked {
				er.NotChecked = append(er.NotChecked, cat.T("finder.unchecked."+n))
			}
			if b.Service != "" {
				er.Information = "/leistungen/" + b.Service
			}
			out.Body.Results = append(out.Body.Results, er)
		}
		return out, nil
	})

	api.Register(hapi, huma.Operation{
		OperationID: "finderQuestions", Method: http.MethodGet, Path: "/v1/finder/questions", Tags: []string{tagFinder},
		Summary: "Fragen des Sozialleistungsfinders", Errors: []int{http.StatusUnprocessableEntity},
	}, api.Access{Public: true}, func(ctx context.Context, in *langInput) (*questionsOutput, error) {
		cat := p.cats[in.Lang]
		if cat == nil {
			cat = p.cats["de"]
		}
		out := &questionsOutput{}
		out.Body.RulesVersion = p.rules.Version
		for _, g := range p.rules.Groups() {
			qg := questionGroup{ID: g.ID, Title: cat.T("finder.group." + g.ID)}
			for _, q := range g.Questions {
				qi := questionInfo{ID: q.ID, Type: string(q.Type), Label: cat.T("finder.q." + q.ID + ".label"), Hint: cat.T("finder.q." + q.ID + ".hint")}
				if q.Type == finder.TypeInt {
					qi.Min, qi.Max = &q.Min, &q.Max
				}
				if len(q.Options) > 0 {
					qi.Options = map[string]string{}
					for _, o := range q.Options {
						qi.Options[o] = cat.T("finder.q." + q.ID + ".opt." + o)
					}
				}
				qg.Questions = append(qg.Questions, qi)
			}
			out.Body.Groups = append(out.Body.Groups, qg)
		}
		return out, nil
	})

	api.Register(hapi, huma.Operation{
		OperationID: "listPortalLinks", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/portal-links", Tags: []string{tagPortal},
		Extensions:  map[string]any{api.UnpagedKey: "Links im Portal einer Körperschaft: eine kurze, redaktionell gepflegte Liste"},
		Summary:     "Links zu Onlinediensten anderer Portale",
		Description: "Die Links, die diese Körperschaft für ihren Ort registriert hat (beim Land: landesweite Links der Landesredaktion).",
	}, api.Access{Obj: ObjPortal, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *linksInput) (*linksOutput, error) {
		items, err := p.site.Links(ctx, in.TenantID)
		if err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		out := &linksOutput{}
		out.Body.Items = items
		return out, nil
	})
	api.Register(hapi, huma.Operation{
		OperationID: "addPortalLink", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/portal-links", Tags: []string{tagPortal},
		Summary: "Link zu einem Onlinedienst registrieren", DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, api.Access{Obj: ObjPortal, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *addLinkInput) (*linkOutput, error) {
		l := &site.Link{TenantID: in.TenantID, Service: in.Body.Service, Title: in.Body.Title, URL: in.Body.URL, Description: in.Body.Description}
		if err := p.site.AddLink(ctx, l); err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		return &linkOutput{Body: *l}, nil
	})
	api.Register(hapi, huma.Operation{
		OperationID: "deletePortalLink", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/portal-links/{linkId}", Tags: []string{tagPortal},
		Summary: "Link entfernen", DefaultStatus: http.StatusNoContent,
	}, api.Access{Obj: ObjPortal, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *linkPathInput) (*struct{}, error) {
		if err := p.site.DeleteLink(ctx, in.TenantID, in.LinkID); err != nil {
			return nil, api.Problem(ctx, p.logger, err)
		}
		return nil, nil
	})
	p.registerOfficeAPI(hapi)
}
