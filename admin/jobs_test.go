package admin_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestJobsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.ministry.Email, ministryPW)
	p := c.get("/admin/aufgaben")
	if !p.has("sitzungen-aufraeumen") || !p.has("Abgelaufene Sitzungen löschen") || !p.has("@every 1h") || !p.has("noch nicht gelaufen") {
		t.Fatalf("jobs page:\n%s", p.body)
	}
	p = c.submit("/admin/aufgaben", "/admin/aufgaben/sitzungen-aufraeumen/ausfuehren", url.Values{})
	if e.jobRuns.Load() != 1 || !p.has("Die Aufgabe wurde ausgeführt.") || !p.has("Erfolgreich") {
		t.Errorf("run now: %d runs:\n%s", e.jobRuns.Load(), p.body)
	}
	if p := c.submit("/admin/aufgaben", "/admin/aufgaben/gibt-es-nicht/ausfuehren", url.Values{}); p.status != http.StatusNotFound {
		t.Errorf("unknown job: status %d", p.status)
	}
}
