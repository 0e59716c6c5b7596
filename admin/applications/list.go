package applications

import (
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"unicode/utf8"

	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// applicationsPageSize is how many applications one page of the list
// shows.
const applicationsPageSize = 50

// appListData fills a municipality's list of applications.
type appListData struct {
	Tenant      *tenant.Tenant
	Path        string
	Form        *ui.Form // the filters as typed, with their errors
	Strecken    []ui.Option
	Statuses    []ui.Option
	Items       []forms.Application
	Total       int
	First, Last int // positions shown, 1-based
	Prev, Next  string
	Counts      []appStatusCount // of the whole tenant in the date range
	Filtered    bool
	CanSettings bool
}

// appStatusCount is one status with its number of applications and a link
// that filters the list by it.
type appStatusCount struct {
	Status forms.Status
	Label  string
	Count  int
	Link   string
}

func (k *Pages) ListPage(w http.ResponseWriter, r *http.Request) {
	t, ok := k.personalTenant(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &appListData{Tenant: t, Path: "/admin/antraege/" + t.ID, Form: ui.NewForm(), Strecken: k.streckeOptions(),
		CanSettings: k.Allowed(r, t.ID, forms.ObjApplicationSettings, authz.Read)}
	for _, s := range forms.Statuses {
		d.Statuses = append(d.Statuses, ui.Option{Value: string(s), Label: s.Label()})
	}
	f, page := k.listFilter(d, q)
	d.Filtered = len(d.Form.Values) > 0
	status := http.StatusOK
	if d.Form.Invalid() {
		// Nothing is listed for a filter that cannot be applied: a list
		// that looks filtered but is not would mislead.
		status = http.StatusUnprocessableEntity
		k.Render(w, r, status, "antraege-liste", k.page(r, "Online-Anträge: "+t.Name, d))
		return
	}
	f.TenantIDs = []string{t.ID}
	f.Limit, f.Offset = applicationsPageSize, (page-1)*applicationsPageSize
	items, total, err := k.forms.ListForStaff(ctx, f, k.guard(r))
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	d.Items, d.Total = items, total
	if len(items) > 0 {
		d.First, d.Last = f.Offset+1, f.Offset+len(items)
	}
	if page > 1 {
		d.Prev = pageLink(d.Path, q, page-1)
	}
	if f.Offset+len(items) < total {
		d.Next = pageLink(d.Path, q, page+1)
	}
	stats, err := k.forms.Stats(ctx, []string{t.ID}, f.Since, f.Until)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	for _, s := range forms.Statuses {
		n := 0
		for _, row := range stats {
			if row.Status == s && (f.Antragsstrecke == "" || row.Antragsstrecke == f.Antragsstrecke) {
				n += row.Count
			}
		}
		link := url.Values{}
		for key, v := range q {
			if key != "status" && key != "seite" && key != "hinweis" {
				link[key] = v
			}
		}
		link.Set("status", string(s))
		d.Counts = append(d.Counts, appStatusCount{Status: s, Label: s.Label(), Count: n, Link: d.Path + "?" + link.Encode()})
	}
	k.Render(w, r, status, "antraege-liste", k.page(r, "Online-Anträge: "+t.Name, d))
}

// listFilter reads the list's filters from the query and keeps them on
// the page's form, each error next to its field; it returns the filter and
// the page number.
func (k *Pages) listFilter(d *appListData, q url.Values) (forms.Filter, int) {
	var f forms.Filter
	fm := d.Form
	if v := q.Get("strecke"); v != "" {
		fm.Set("strecke", v)
		if slices.ContainsFunc(d.Strecken, func(o ui.Option) bool { return o.Value == v }) {
			f.Antragsstrecke = v
		} else {
			fm.Add("strecke", "Bitte wählen Sie eine Antragsstrecke aus der Liste.")
		}
	}
	if v := q.Get("status"); v != "" {
		fm.Set("status", v)
		if slices.Contains(forms.Statuses, forms.Status(v)) {
			f.Status = forms.Status(v)
		} else {
			fm.Add("status", "Bitte wählen Sie einen Stand aus der Liste.")
		}
	}
	f.Since = k.FilterDay(fm, q, "von", false)
	f.Until = k.FilterDay(fm, q, "bis", true)
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		fm.Add("bis", "Das Ende des Zeitraums liegt vor seinem Anfang.")
	}
	if v := strings.TrimSpace(q.Get("q")); v != "" {
		fm.Set("q", v)
		if utf8.RuneCountInString(v) > 40 {
			fm.Add("q", "Bitte geben Sie höchstens 40 Zeichen der Antragsnummer ein.")
		} else {
			f.Query = v
		}
	}
	page := 1
	if v := q.Get("seite"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 10000 {
			page = n
		}
	}
	return f, page
}

// pageLink is the list with the same filters on another page.
func pageLink(path string, q url.Values, page int) string {
	v := url.Values{}
	for key, vals := range q {
		if key != "seite" && key != "hinweis" {
			v[key] = vals
		}
	}
	if page > 1 {
		v.Set("seite", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
