package counselling

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/authz"
)

// centreData fills a centre's page.
type centreData struct {
	Centre      *counselling.Centre
	Topics      map[string]string
	CanEdit     bool
	CanReview   bool
	CanInvite   bool
	Calendars   []appointments.Calendar
	CanCalendar bool
	Pending     *counselling.Version // the waiting version, for the reviewer
	Published   *counselling.Version
}

// topicNames maps topic keys to labels (inactive ones included).
func (k *Pages) topicNames(r *http.Request) (map[string]string, error) {
	ts, err := k.dir.Topics(r.Context(), true)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, t := range ts {
		out[t.Key] = t.Label
	}
	return out, nil
}

func (k *Pages) CentrePage(w http.ResponseWriter, r *http.Request) {
	c, ok := k.centreAccess(w, r, authz.Read)
	if !ok {
		return
	}
	topics, err := k.topicNames(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	cals, err := k.appts.Calendars(r.Context(), []string{c.ID}, false)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	d := centreData{Centre: c, Topics: topics, Calendars: cals,
		CanEdit:     k.Allowed(r, c.ID, counselling.ObjCentre, authz.Update),
		CanReview:   k.Allowed(r, c.ID, counselling.ObjReview, authz.Update),
		CanInvite:   k.Allowed(r, c.ID, authz.ObjInvitation, authz.Create),
		CanCalendar: k.Allowed(r, c.ID, appointments.ObjAppointment, authz.Create)}
	if c.PendingVersion != nil && d.CanReview {
		vs, err := k.dir.Versions(r.Context(), c.ID)
		if err != nil {
			k.ServerError(w, r, err)
			return
		}
		for i := range vs {
			if vs[i].Number == *c.PendingVersion {
				d.Pending = &vs[i]
			}
		}
	}
	k.Render(w, r, http.StatusOK, "beratung-stelle", k.page(r, c.Entry.Name, "beratung", d))
}

func (k *Pages) VersionsPage(w http.ResponseWriter, r *http.Request) {
	c, ok := k.centreAccess(w, r, authz.Read)
	if !ok {
		return
	}
	vs, err := k.dir.Versions(r.Context(), c.ID)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	k.Render(w, r, http.StatusOK, "beratung-versionen", k.page(r, "Versionen: "+c.Entry.Name, "beratung", struct {
		Centre   *counselling.Centre
		Versions []counselling.Version
	}{c, vs}))
}

func (k *Pages) Verify(w http.ResponseWriter, r *http.Request) {
	c, ok := k.centreAccess(w, r, authz.Update)
	if !ok {
		return
	}
	_, err := k.dir.Verify(r.Context(), c.ID)
	var fe interface{ For(string) string }
	if errors.As(err, &fe) {
		k.ErrorPage(w, r, http.StatusUnprocessableEntity, "Nicht bestätigt", ui.ErrorData{Heading: "Nicht bestätigt",
			Text: fe.For("verifiedOn"), Back: "/admin/beratung/" + c.ID, BackTo: "Zurück zur Beratungsstelle"})
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/beratung/"+c.ID, "bestaetigt")
}

// Decide takes the Landesredaktion's decision on the waiting version.
func (k *Pages) Decide(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if len(id) > 64 || !k.Allowed(r, id, counselling.ObjReview, authz.Update) {
		k.NotFound(w, r)
		return
	}
	number, _ := strconv.Atoi(r.PostForm.Get("fassung"))
	approve := r.PostForm.Get("entscheidung") == "freigeben"
	comment := r.PostForm.Get("anmerkung")
	_, err := k.dir.Review(r.Context(), id, number, approve, comment)
	var fe interface{ For(string) string }
	switch {
	case errors.As(err, &fe):
		k.ErrorPage(w, r, http.StatusUnprocessableEntity, "Nicht entschieden", ui.ErrorData{Heading: "Nicht entschieden",
			Text: fe.For("comment"), Back: "/admin/beratung/" + id, BackTo: "Zurück zur Beratungsstelle"})
	case errors.Is(err, counselling.ErrNotPending):
		k.ErrorPage(w, r, http.StatusConflict, "Nicht entschieden", ui.ErrorData{Heading: "Nicht entschieden",
			Text: "Diese Fassung wartet nicht mehr auf Prüfung – sie wurde inzwischen ersetzt oder entschieden.", Back: "/admin/beratung/" + id, BackTo: "Zurück zur Beratungsstelle"})
	case err != nil:
		k.ServerError(w, r, err)
	case approve:
		ui.SeeOther(w, r, safeCounsellingBack(r.PostForm.Get("zurueck"), "/admin/beratung/"+id), "freigegeben")
	default:
		ui.SeeOther(w, r, safeCounsellingBack(r.PostForm.Get("zurueck"), "/admin/beratung/"+id), "abgelehnt")
	}
}

// safeCounsellingBack accepts only a page of the directory as the page to
// return to.
func safeCounsellingBack(back, fallback string) string {
	if back == "/admin/beratung/pruefung" {
		return back
	}
	return fallback
}
