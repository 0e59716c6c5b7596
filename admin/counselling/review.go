package counselling

import (
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/authz"
)

// pendingItem is a centre waiting for review with its waiting version.
type pendingItem struct {
	Centre  counselling.Centre
	Version *counselling.Version
}

// ReviewPage is the Landesredaktion's list of waiting changes with the
// changed fields and the decision forms.
func (k *Pages) ReviewPage(w http.ResponseWriter, r *http.Request) {
	ids := k.Authz.Tenants(principal(r), counselling.ObjReview, authz.Update)
	if len(ids) == 0 {
		k.Forbidden(w, r, "Die Prüfung ist der Landesredaktion vorbehalten.")
		return
	}
	cs, err := k.dir.List(r.Context(), counselling.ListFilter{TenantIDs: ids, State: counselling.StatePending})
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	items := make([]pendingItem, 0, len(cs))
	for _, c := range cs {
		vs, err := k.dir.Versions(r.Context(), c.ID)
		if err != nil {
			k.ServerError(w, r, err)
			return
		}
		it := pendingItem{Centre: c}
		for i := range vs {
			if c.PendingVersion != nil && vs[i].Number == *c.PendingVersion {
				it.Version = &vs[i]
			}
		}
		items = append(items, it)
	}
	k.Render(w, r, http.StatusOK, "beratung-pruefung", k.page(r, "Prüfung durch die Landesredaktion", "beratung", items))
}

// OutdatedPage lists the entries not verified for a year in the person's
// area – for the Landesredaktion all of them.
func (k *Pages) OutdatedPage(w http.ResponseWriter, r *http.Request) {
	cs, err := k.readable(r, counselling.ListFilter{Outdated: true})
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	k.Render(w, r, http.StatusOK, "beratung-veraltet", k.page(r, "Möglicherweise veraltete Einträge", "beratung", struct {
		Centres []counselling.Centre
		Months  int
	}{cs, int(k.dir.OutdatedAfter().Hours()/24/30.44 + 0.5)}))
}

// topicsData fills the topics page.
type topicsData struct {
	Topics []counselling.Topic
	Form   *ui.Form
}

func (k *Pages) TopicsPage(w http.ResponseWriter, r *http.Request) {
	k.renderTopics(w, r, http.StatusOK, ui.NewForm())
}

func (k *Pages) renderTopics(w http.ResponseWriter, r *http.Request, status int, f *ui.Form) {
	if !k.ministry(r, counselling.ObjTopic, authz.Update) {
		k.Forbidden(w, r, "Die Themen pflegt das Ministerium.")
		return
	}
	ts, err := k.dir.Topics(r.Context(), true)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	if f.Get("active") == "" && !f.Invalid() {
		f.Set("active", "1")
	}
	k.Render(w, r, status, "beratung-themen", k.page(r, "Themen der Beratungsstellen", "beratung", topicsData{Topics: ts, Form: f}))
}

func (k *Pages) SaveTopic(w http.ResponseWriter, r *http.Request) {
	if !k.ministry(r, counselling.ObjTopic, authz.Update) {
		k.Forbidden(w, r, "Die Themen pflegt das Ministerium.")
		return
	}
	f := ui.NewForm()
	in := counselling.TopicInput{Key: f.Text(r, "key", 40), Label: f.Text(r, "label", 100), Active: r.PostForm.Get("active") == "1"}
	if r.PostForm.Get("active") == "1" {
		f.Set("active", "1")
	}
	pos := f.Text(r, "position", 6)
	if n, err := strconv.Atoi(pos); err == nil {
		in.Position = n
	} else if pos != "" {
		f.Add("position", "Bitte eine ganze Zahl.")
	}
	if f.Invalid() {
		k.renderTopics(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	_, err := k.dir.SaveTopic(r.Context(), in)
	if f.StoreErrors(err, ui.SameIDs("key", "label", "position")) {
		k.renderTopics(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/beratung/themen", "thema")
}
