package applications

import (
	"net/http"
	"slices"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// appStatsData fills /admin/antraege: the ministry's counts per tenant and
// Antragsstrecke, and for someone working in several municipalities the
// choice among them.
type appStatsData struct {
	Ministry bool
	Tenants  []tenant.Tenant // municipalities whose applications the person reads
	Form     *ui.Form        // the date range
	Rows     []appStatsRow
	Totals   map[forms.Status]int
	Total    int
}

// appStatsRow counts one tenant's applications of one Antragsstrecke: only
// numbers, never personal data.
type appStatsRow struct {
	TenantName     string
	Antragsstrecke string
	ByStatus       map[forms.Status]int
	Total          int
}

// Start sends a municipality's staff to their list; the ministry gets the
// counts. The counts come from Stats, which returns numbers only.
func (k *Pages) Start(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := k.principal(r)
	statsTenants := k.Authz.Tenants(p, forms.ObjApplicationStats, authz.Read)
	d := appStatsData{Form: ui.NewForm(), Totals: map[forms.Status]int{}}
	d.Ministry = slices.ContainsFunc(statsTenants, k.Authz.IsRoot)

	var own []string
	if u := ui.UserFrom(r); u != nil {
		ms, err := k.Shell.Store.Memberships(ctx, u.ID)
		if err != nil {
			k.ServerError(w, r, err)
			return
		}
		for _, m := range ms {
			if k.personal(r, m.TenantID) {
				own = append(own, m.TenantID)
			}
		}
	}
	switch {
	case !d.Ministry && len(own) == 1:
		http.Redirect(w, r, "/admin/antraege/"+own[0], http.StatusSeeOther)
		return
	case !d.Ministry && len(own) == 0:
		k.Forbidden(w, r, "Online-Anträge sehen die Beschäftigten der Kommunen; das Ministerium sieht ihre Zahlen.")
		return
	}
	if len(own) > 0 {
		ts, err := k.Shell.Store.ListTenants(ctx, tenant.TenantFilter{IDs: own})
		if err != nil {
			k.ServerError(w, r, err)
			return
		}
		d.Tenants = ts
	}
	status := http.StatusOK
	if d.Ministry {
		q := r.URL.Query()
		since := k.FilterDay(d.Form, q, "von", false)
		until := k.FilterDay(d.Form, q, "bis", true)
		if !since.IsZero() && !until.IsZero() && !until.After(since) {
			d.Form.Add("bis", "Das Ende des Zeitraums liegt vor seinem Anfang.")
		}
		if d.Form.Invalid() {
			status = http.StatusUnprocessableEntity
		} else {
			stats, err := k.forms.Stats(ctx, statsTenants, since, until)
			if err != nil {
				k.ServerError(w, r, err)
				return
			}
			if d.Rows, err = k.statsRows(r, stats); err != nil {
				k.ServerError(w, r, err)
				return
			}
			for _, s := range stats {
				d.Totals[s.Status] += s.Count
				d.Total += s.Count
			}
		}
	}
	k.Render(w, r, status, "antraege-start", k.page(r, "Online-Anträge", d))
}

// statsRows folds the counts per status into one row per tenant and
// Antragsstrecke, sorted by tenant name and Antragsstrecke.
func (k *Pages) statsRows(r *http.Request, stats []forms.StatRow) ([]appStatsRow, error) {
	var ids []string
	for _, s := range stats {
		if !slices.Contains(ids, s.TenantID) {
			ids = append(ids, s.TenantID)
		}
	}
	names := map[string]string{}
	if len(ids) > 0 {
		ts, err := k.Shell.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			names[t.ID] = t.Name
		}
	}
	var rows []appStatsRow
	index := map[[2]string]int{}
	for _, s := range stats {
		key := [2]string{s.TenantID, s.Antragsstrecke}
		i, ok := index[key]
		if !ok {
			name := names[s.TenantID]
			if name == "" {
				name = s.TenantID
			}
			i = len(rows)
			index[key] = i
			rows = append(rows, appStatsRow{TenantName: name, Antragsstrecke: s.Antragsstrecke, ByStatus: map[forms.Status]int{}})
		}
		rows[i].ByStatus[s.Status] += s.Count
		rows[i].Total += s.Count
	}
	slices.SortFunc(rows, func(a, b appStatsRow) int {
		if c := strings.Compare(a.TenantName, b.TenantName); c != 0 {
			return c
		}
		return strings.Compare(a.Antragsstrecke, b.Antragsstrecke)
	})
	return rows, nil
}
