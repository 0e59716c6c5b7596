package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/portal/counselling"
	coreapi "sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
)

type topicsOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Topics        []counselling.Topic `json:"topics"`
		Ways          []counselling.Term  `json:"ways"`
		Accessibility []counselling.Term  `json:"accessibility"`
	}
}

type topicsInput struct {
	All bool `query:"all" doc:"auch abgeschaltete Themen"`
}

type topicInput struct {
	TopicKey string `path:"topicKey" maxLength:"40"`
	Body     struct {
		Label    string `json:"label" maxLength:"100"`
		Position int    `json:"position" minimum:"0" maximum:"10000"`
		Active   bool   `json:"active"`
	}
}

type topicOutput struct {
	Body *counselling.Topic
}

func (a *API) registerTopics(api huma.API) {
	coreapi.Register(api, huma.Operation{
		OperationID: "listCounsellingTopics", Method: http.MethodGet, Path: "/v1/counselling-topics", Tags: []string{tagCentres},
		Summary:     "Themen und Merkmale",
		Description: "Öffentlich. Die Themen (vom Ministerium gepflegt), die Beratungswege und die Merkmale der Barrierefreiheit mit ihren Schlüsseln.",
		Errors:      []int{http.StatusUnprocessableEntity},
		Extensions:  map[string]any{coreapi.UnpagedKey: "Vokabular des Verzeichnisses: wenige Dutzend Schlüssel, als Ganzes für Auswahllisten"},
	}, coreapi.Access{Public: true}, func(ctx context.Context, in *topicsInput) (*topicsOutput, error) {
		ts, err := a.store.Topics(ctx, in.All)
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		out := &topicsOutput{CacheControl: "public, max-age=300"}
		out.Body.Topics, out.Body.Ways, out.Body.Accessibility = ts, counselling.Ways, counselling.Accessibility
		return out, nil
	})

	coreapi.Register(api, huma.Operation{
		OperationID: "putCounsellingTopic", Method: http.MethodPut, Path: "/v1/counselling-topics/{topicKey}", Tags: []string{tagCentres},
		Summary:     "Thema anlegen oder ändern",
		Description: "Für das Ministerium: erweitert die Themen oder ändert Bezeichnung, Reihenfolge und Aktivität. Ein abgeschaltetes Thema bleibt an bestehenden Einträgen.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, coreapi.Access{Obj: counselling.ObjTopic, Act: authz.Update}, func(ctx context.Context, in *topicInput) (*topicOutput, error) {
		t, err := a.store.SaveTopic(ctx, counselling.TopicInput{Key: in.TopicKey, Label: in.Body.Label, Position: in.Body.Position, Active: in.Body.Active})
		if err != nil {
			return nil, a.problem(ctx, err)
		}
		return &topicOutput{Body: t}, nil
	})
}
