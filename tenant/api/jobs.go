package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
)

type jobView struct {
	jobs.JobInfo
	Runs []jobs.Run `json:"runs"`
}

type listJobsOutput struct {
	Body struct {
		Items []jobView `json:"items"`
	}
}

type jobPathInput struct {
	Name string `path:"name" maxLength:"100"`
}

type runJobOutput struct{ Body jobView }

func (c *Core) registerJobs(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "listJobs", Method: http.MethodGet, Path: "/v1/jobs", Tags: []string{tagOps},
		Extensions: map[string]any{UnpagedKey: "die fest eingebauten Aufgaben des Servers, ein gutes Dutzend"},
		Summary:    "Geplante Aufgaben", Description: "Die Aufgaben mit Zeitplan, nächstem Lauf und den letzten Läufen (Beginn, Ende, Fehler).",
	}, Access{Obj: authz.ObjJob, Act: authz.Read}, func(ctx context.Context, _ *struct{}) (*listJobsOutput, error) {
		out := &listJobsOutput{}
		out.Body.Items = []jobView{}
		for _, j := range c.jobs.Jobs() {
			v, err := c.jobView(ctx, j)
			if err != nil {
				return nil, Problem(ctx, c.logger, err)
			}
			out.Body.Items = append(out.Body.Items, v)
		}
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "runJob", Method: http.MethodPost, Path: "/v1/jobs/{name}/run", Tags: []string{tagOps},
		Summary: "Aufgabe jetzt ausführen", Description: "Führt die Aufgabe sofort aus (mit Sperre, also nie doppelt) und antwortet nach ihrem Ende.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, Access{Obj: authz.ObjJob, Act: authz.Update}, func(ctx context.Context, in *jobPathInput) (*runJobOutput, error) {
		err := c.jobs.RunNow(ctx, in.Name)
		switch {
		case errors.Is(err, jobs.ErrUnknownJob):
			return nil, huma.Error404NotFound("Diese Aufgabe gibt es nicht.")
		case errors.Is(err, jobs.ErrAlreadyRunning):
			return nil, huma.Error409Conflict("Die Aufgabe läuft gerade.")
		}
		// A job that ran and failed is still an answer: its run shows the error.
		for _, j := range c.jobs.Jobs() {
			if j.Name == in.Name {
				v, verr := c.jobView(ctx, j)
				if verr != nil {
					return nil, Problem(ctx, c.logger, verr)
				}
				return &runJobOutput{Body: v}, nil
			}
		}
		return nil, Problem(ctx, c.logger, err)
	})
}

func (c *Core) jobView(ctx context.Context, j jobs.JobInfo) (jobView, error) {
	runs, err := c.jobs.Runs(ctx, j.Name, 10)
	if err != nil {
		return jobView{}, err
	}
	if runs == nil {
		runs = []jobs.Run{}
	}
	return jobView{JobInfo: j, Runs: runs}, nil
}
