package core

import (
	"context"
	"errors"
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
)

// runsShown is how many recent runs the page shows per job.
const runsShown = 5

type jobsData struct {
	Jobs    []jobView
	CanRun  bool
	Problem string
}

type jobView struct {
	jobs.JobInfo
	Runs []jobs.Run
}

func (c *Pages) JobsPage(w http.ResponseWriter, r *http.Request) {
	if !c.mayJobs(w, r, authz.Read) {
		return
	}
	c.renderJobs(w, r, http.StatusOK, "")
}

// mayJobs checks that there is a registry and that the user may act on
// jobs somewhere; jobs belong to the whole platform, not to one tenant.
func (c *Pages) mayJobs(w http.ResponseWriter, r *http.Request, act string) bool {
	if c.Jobs == nil {
		c.NotFound(w, r)
		return false
	}
	if !c.Authz.AllowedAnywhere(authz.PrincipalFrom(r.Context()), authz.ObjJob, act) {
		c.Forbidden(w, r, "Die Aufgaben der Plattform sieht und startet nur das Ministerium.")
		return false
	}
	return true
}

func (c *Pages) renderJobs(w http.ResponseWriter, r *http.Request, status int, problem string) {
	d := jobsData{Problem: problem,
		CanRun: c.Authz.AllowedAnywhere(authz.PrincipalFrom(r.Context()), authz.ObjJob, authz.Update)}
	for _, j := range c.Jobs.Jobs() {
		runs, err := c.Jobs.Runs(r.Context(), j.Name, runsShown)
		if err != nil {
			c.ServerError(w, r, err)
			return
		}
		d.Jobs = append(d.Jobs, jobView{JobInfo: j, Runs: runs})
	}
	c.Render(w, r, status, "aufgaben", &ui.View{Title: "Hintergrundaufgaben", Nav: "aufgaben", Data: d})
}

// RunJob runs a job at once and answers when it has finished, as the API
// does. The run keeps going when the browser gives up waiting; the
// registry's shutdown still waits for it.
func (c *Pages) RunJob(w http.ResponseWriter, r *http.Request) {
	if !c.mayJobs(w, r, authz.Update) {
		return
	}
	name := r.PathValue("name")
	if len(name) > 100 {
		c.NotFound(w, r)
		return
	}
	err := c.Jobs.RunNow(context.WithoutCancel(r.Context()), name)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/aufgaben", "gestartet")
	case errors.Is(err, jobs.ErrUnknownJob):
		c.NotFound(w, r)
	case errors.Is(err, jobs.ErrAlreadyRunning):
		c.renderJobs(w, r, http.StatusConflict, "Die Aufgabe läuft gerade; bitte versuchen Sie es nach ihrem Ende noch einmal.")
	case errors.Is(err, jobs.ErrStopped):
		c.renderJobs(w, r, http.StatusServiceUnavailable, "Die Plattform fährt gerade herunter; Aufgaben werden nicht mehr gestartet.")
	default:
		// The job ran and failed; its run below shows the error.
		c.Logger.WarnContext(r.Context(), "console: job run failed", "job", name, "err", err)
		c.renderJobs(w, r, http.StatusOK, "Die Aufgabe ist mit einem Fehler beendet worden; Einzelheiten stehen bei ihren letzten Läufen.")
	}
}
