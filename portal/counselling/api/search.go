package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	coreapi "sozialplattform/tenant/api"
)

type searchInput struct {
	Topic         string  `query:"topic" maxLength:"40" doc:"Schlüssel eines Themas (GET /v1/counselling-topics)"`
	Language      string  `query:"language" maxLength:"2" doc:"Beratungssprache (ISO 639-1), z. B. ar"`
	Way           string  `query:"way" enum:"on-site,phone,video,chat,home-visit" doc:"Beratungsweg"`
	Accessibility string  `query:"accessibility" maxLength:"200" doc:"Merkmale der Barrierefreiheit, durch Komma getrennt; alle müssen zutreffen"`
	Insolvency305 bool    `query:"insolvency305" doc:"nur anerkannte Stellen der Verbraucherinsolvenzberatung (§ 305 InsO)"`
	Area          string  `query:"area" maxLength:"12" doc:"nur Stellen, deren Einzugsgebiet diesen amtlichen Schlüssel (AGS oder Kreis) umfasst"`
	Q             string  `query:"q" maxLength:"100" doc:"Teil von Name, Träger oder Beschreibung"`
	Near          string  `query:"near" maxLength:"100" doc:"Ort, Postleitzahl, Kreisschlüssel, AGS oder „Breite,Länge“: sortiert nach Entfernung"`
	RadiusKm      float64 `query:"radiusKm" minimum:"0" maximum:"500" doc:"mit near: nur Stellen in diesem Umkreis (km)"`
	coreapi.PageQuery
}

type searchBody struct {
	Total int                  `json:"total" doc:"Treffer insgesamt, über alle Seiten"`
	Near  *counselling.Place   `json:"near,omitempty" doc:"der Ort, von dem aus gemessen wurde"`
	Items []counselling.Result `json:"items"`
	coreapi.PageBody
}

type searchOutput struct {
	coreapi.PageHeaders
	CacheControl string `header:"Cache-Control"`
	Body         searchBody
}

type publicInput struct {
	CentreID string `path:"centreId" maxLength:"64"`
}

type calendarRef = counselling.CalendarRef

type publicOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         *counselling.Public
}

func (a *API) registerSearch(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "searchCounsellingCentres", Method: http.MethodGet, Path: "/v1/counselling-centres", Tags: []string{tagCentres},
		Summary: "Beratungsstellen suchen",
		Description: "Öffentlich. Die veröffentlichten Einträge, gefiltert nach Thema, Sprache, Beratungsweg, Barrierefreiheit, Einzugsgebiet und Text; " +
			"mit `near` sortiert nach der Entfernung der nächsten Adresse (Luftlinie), mit `radiusKm` begrenzt. Jeder Treffer nennt den " +
			"Öffnungsstatus jetzt (Europe/Berlin) und ob der Eintrag seit über einem Jahr nicht bestätigt wurde (`possiblyOutdated`).",
		Errors: []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *searchInput) (*searchOutput, error) {
		q := counselling.Query{Topic: in.Topic, Language: in.Language, Way: in.Way, Insolvency305: in.Insolvency305, Area: in.Area,
			Text: in.Q, RadiusKm: in.RadiusKm}
		p, err := coreapi.PageOf[counselling.SearchKey](in.PageQuery, "counselling-search")
		if err != nil {
			return nil, err
		}
		q.Page = &p
		for _, acc := range strings.Split(in.Accessibility, ",") {
			if acc = strings.TrimSpace(acc); acc != "" {
				q.Accessibility = append(q.Accessibility, acc)
			}
		}
		var out searchOutput
		out.CacheControl = "public, max-age=60"
		if in.Near != "" {
			place, ok := counselling.ResolvePlace(in.Near)
			if !ok {
				return nil, huma.Error422UnprocessableEntity("Diesen Ort kennen wir nicht.",
					&huma.ErrorDetail{Location: "query.near", Message: "Bitte geben Sie einen Ort, eine Postleitzahl oder einen amtlichen Schlüssel in Sachsen-Anhalt an.", Value: in.Near})
			}
			q.Near = place.Point()
			out.Body.Near = &place
		}
		res, err := a.store.Search(ctx, q)
		if err != nil {
			return nil, queryProblem(a.problem(ctx, err))
		}
		var pg coreapi.Page
		if out.Body.Items, pg, err = coreapi.NextPage(ctx, "counselling-search", res.Items, p, counselling.Result.PageKey); err != nil {
			return nil, a.problem(ctx, err)
		}
		out.Body.Total, out.PageHeaders, out.Body.PageBody = res.Total, pg.Headers, pg.Body
		return &out, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "getCounsellingCentre", Method: http.MethodGet, Path: "/v1/counselling-centres/{centreId}", Tags: []string{tagCentres},
		Summary:     "Beratungsstelle (veröffentlichter Eintrag)",
		Description: "Öffentlich. Die zuletzt veröffentlichte Fassung des Eintrags mit Öffnungsstatus und den Terminkalendern für die Online-Buchung.",
		Errors:      []int{http.StatusNotFound},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *publicInput) (*publicOutput, error) {
		p, err := a.store.GetPublic(ctx, in.CentreID)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &publicOutput{CacheControl: "public, max-age=60", Body: p}
		if a.appts != nil {
			cals, err := a.appts.Calendars(ctx, []string{p.ID}, true)
			if err != nil {
				return nil, a.problem(ctx, err)
			}
			p.Calendars = refs(cals)
		}
		return out, nil
	})
}

func refs(cals []appointments.Calendar) []calendarRef {
	out := make([]calendarRef, len(cals))
	for i, c := range cals {
		out[i] = calendarRef{ID: c.ID, Name: c.Name, SlotMinutes: c.SlotMinutes}
	}
	return out
}

// queryProblem moves the locations of a search's field errors from the
// body to the query, where its parameters are.
func queryProblem(err error) error {
	if m, ok := err.(*huma.ErrorModel); ok {
		for _, d := range m.Errors {
			d.Location = strings.Replace(d.Location, "body.", "query.", 1)
		}
	}
	return err
}
