package onboarding

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type rolloutData struct {
	Nav onbNav
	// Full is the ministry's dashboard: drill-downs, exports, failed
	// deliveries and missing DVDV entries. Without it the page is the
	// municipalities' read-only overview (names, phases and counts).
	Full      bool
	Report    *onboarding.Rollout
	Form      *ui.Form
	Query     template.URL // the filter as query string, for the CSV links
	Services  []ui.Option
	Legal     []ui.Option
	Districts []ui.Option
	Chart     goLiveChart
	Map       districtMap
	Statuses  []onboarding.Status
	// Missing are the DVDV entries variant-1 cases need and the
	// directory lacks; Failed the failed deliveries of all districts.
	Missing []onboarding.MissingDVDV
	Failed  int
	// LiveFailing counts, per Antragsstrecke, the live cases whose
	// deliveries failed in the last 7 days; LiveFailingTotal all of them.
	LiveFailing      map[string]int
	LiveFailingTotal int
}

// legalOptions are the Rechtskreise the filter offers.
func legalOptions() []ui.Option {
	var out []ui.Option
	for _, l := range []string{"SGB II", "SGB XII", "SGB XIV", "AsylbLG", "BKGG"} {
		out = append(out, ui.Option{Value: l, Label: l})
	}
	return out
}

// rolloutFilter reads the dashboard's filter from the query and keeps it
// on the form; visible are the tenants the person may see.
func (o *Pages) rolloutFilter(r *http.Request, visible []string, f *ui.Form) (onboarding.RolloutFilter, url.Values, bool) {
	q := r.URL.Query()
	out := onboarding.RolloutFilter{TenantIDs: visible}
	kept := url.Values{}
	keep := func(k, v string) {
		f.Set(k, v)
		kept.Set(k, v)
	}
	if v := q.Get("dienst"); v != "" && len(v) <= 10 {
		out.OZGID = v
		keep("dienst", v)
	}
	if v := q.Get("rechtskreis"); slices.ContainsFunc(legalOptions(), func(o ui.Option) bool { return o.Value == v }) {
		out.LegalBasis = v
		keep("rechtskreis", v)
	}
	if v := q.Get("kreis"); v != "" {
		if !slices.Contains(visible, v) {
			return out, kept, false
		}
		out.TenantID = v
		keep("kreis", v)
	}
	if q.Get("bestellt") == "1" {
		out.OnlyOrdered = true
		keep("bestellt", "1")
	}
	return out, kept, true
}

// RolloutPage is the Umsetzungsstand: the ministry's dashboard, or for a
// municipality the statewide overview without the ministry's tools (see
// rolloutScope).
func (o *Pages) RolloutPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	visible, full, err := o.rolloutScope(r)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	if visible == nil {
		o.Forbidden(w, r, "Der Umsetzungsstand ist dem Ministerium und den Kommunen vorbehalten.")
		return
	}
	f := ui.NewForm()
	filter, kept, ok := o.rolloutFilter(r, visible, f)
	if !ok {
		o.NotFound(w, r)
		return
	}
	report, err := o.store.RolloutReport(ctx, filter)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	nav, err := o.nav(r, "rollout")
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	catalog, err := o.store.Catalog(ctx)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d := rolloutData{Nav: nav, Full: full, Report: report, Form: f, Query: template.URL(kept.Encode()), Legal: legalOptions(),
		Chart: newGoLiveChart(report.GoLives), Statuses: onboarding.Statuses()}
	for _, s := range catalog {
		d.Services = append(d.Services, ui.Option{Value: s.OZGID, Label: s.OZGID + " " + s.Name})
	}
	// The district choice comes from the unfiltered report: a filtered one
	// holds only the chosen district.
	all := report
	if filter.TenantID != "" {
		if all, err = o.store.RolloutReport(ctx, onboarding.RolloutFilter{TenantIDs: visible}); err != nil {
			o.ServerError(w, r, err)
			return
		}
	}
	for _, t := range all.Districts {
		d.Districts = append(d.Districts, ui.Option{Value: t.TenantID, Label: t.Name})
	}
	d.Map = newDistrictMap(report.Districts)
	if !full {
		// Failed deliveries and missing DVDV entries are the ministry's
		// work queue, not the peers' business.
		o.Render(w, r, http.StatusOK, "anbindung-rollout", rolloutView(o.page(r, "Umsetzungsstand", d)))
		return
	}
	d.LiveFailing = map[string]int{}
	var deliveries delivery.Rollout
	if o.deliveries != nil {
		if deliveries, err = o.deliveries.Rollout(ctx, visible); err != nil {
			o.ServerError(w, r, err)
			return
		}
	}
	if err := o.countFailed(r, visible, deliveries.Failed, &d); err != nil {
		o.ServerError(w, r, err)
		return
	}
	if err := o.countLiveFailing(r, visible, filter, deliveries.Health, &d); err != nil {
		o.ServerError(w, r, err)
		return
	}
	missing, err := o.store.MissingDVDVEntries(ctx)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	for _, m := range missing {
		if !slices.Contains(visible, m.TenantID) || (filter.TenantID != "" && filter.TenantID != m.TenantID) {
			continue
		}
		if filter.OZGID != "" { // the dashboard's filter by Onlinedienst
			var streams []string
			for i, id := range m.OZGIDs {
				if id == filter.OZGID {
					streams = append(streams, m.Streams[i])
				}
			}
			if len(streams) == 0 {
				continue
			}
			m.Streams = streams
		}
		d.Missing = append(d.Missing, m)
	}
	o.Render(w, r, http.StatusOK, "anbindung-rollout", rolloutView(o.page(r, "Umsetzungsstand", d)))
}

// rolloutScope returns the tenants whose cases the Umsetzungsstand counts
// for the person and whether the person gets the ministry's full
// dashboard. The ministry sees what its rollout right covers. A
// municipality with the overview right sees its whole Land – the seed
// shows the statewide table to every municipality – but read-only and
// without the cases behind the counts. Neither right: nil.
func (o *Pages) rolloutScope(r *http.Request) ([]string, bool, error) {
	p := authz.PrincipalFrom(r.Context())
	if o.isMinistry(r, onboarding.ObjRollout, authz.Read) {
		return o.Authz.Tenants(p, onboarding.ObjRollout, authz.Read), true, nil
	}
	own := o.Authz.Tenants(p, onboarding.ObjRolloutOverview, authz.Read)
	if len(own) == 0 {
		return nil, false, nil
	}
	var roots []string
	for _, id := range own {
		root, err := o.landOf(r, id)
		if err != nil {
			return nil, false, err
		}
		if !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
	}
	visible := []string{}
	for _, root := range roots {
		visible = append(visible, o.Authz.Subtree(root)...)
	}
	slices.Sort(visible)
	return slices.Compact(visible), false, nil
}

// landOf returns the root of the tenant's tree: its Land.
func (o *Pages) landOf(r *http.Request, id string) (string, error) {
	for range 16 { // the tree is a few levels deep; a cycle must not hang
		if o.Authz.IsRoot(id) {
			return id, nil
		}
		t, err := o.Shell.Store.GetTenant(r.Context(), id)
		if err != nil {
			return "", fmt.Errorf("find the Land of tenant %s: %w", id, err)
		}
		if t.ParentID == nil {
			return id, nil
		}
		id = *t.ParentID
	}
	return "", fmt.Errorf("find the Land of tenant %s: tree deeper than 16 levels", id)
}

// RolloutCSV exports a table of the dashboard: matrix, kreise,
// livegaenge or faelle, with the dashboard's filter.
func (o *Pages) RolloutCSV(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjRollout, authz.Read) {
		return
	}
	ctx := r.Context()
	visible := o.Authz.Tenants(authz.PrincipalFrom(ctx), onboarding.ObjRollout, authz.Read)
	filter, _, ok := o.rolloutFilter(r, visible, ui.NewForm())
	if !ok {
		o.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if k := q.Get("antragsstrecke"); k != "" {
		filter.Antragsstrecke = k
	}
	if id := q.Get("kommune"); id != "" {
		if !slices.Contains(visible, id) {
			o.NotFound(w, r)
			return
		}
		filter.TenantID = id
	}
	if q.Get("tabelle") == "faelle" {
		cases, err := o.store.RolloutCases(ctx, filter)
		if err != nil {
			o.ServerError(w, r, err)
			return
		}
		o.writeCSV(w, r, o.store.CasesCSV(cases), "faelle.csv")
		return
	}
	report, err := o.store.RolloutReport(ctx, filter)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	switch q.Get("tabelle") {
	case "kreise":
		o.writeCSV(w, r, o.store.DistrictsCSV(report), "kreise.csv")
	case "livegaenge":
		o.writeCSV(w, r, o.store.GoLivesCSV(report), "livegaenge.csv")
	default:
		o.writeCSV(w, r, o.store.MatrixCSV(report), "umsetzungsstand.csv")
	}
}

type drillData struct {
	Nav     onbNav
	Title   string
	Tenant  *tenant.Tenant
	Stream  *onboarding.Antragsstrecke
	Cases   []onboarding.RolloutCase
	Counts  onboarding.Counts
	CSVLink string
	// Health is the delivery health of the cases, by case ID.
	Health map[string]healthView
}

// caseTenants lists the tenants of the cases, each once.
func caseTenants(cases []onboarding.RolloutCase) []string {
	out, seen := []string{}, map[string]bool{}
	for _, c := range cases {
		if !seen[c.TenantID] {
			seen[c.TenantID] = true
			out = append(out, c.TenantID)
		}
	}
	return out
}

func countCases(cases []onboarding.RolloutCase) onboarding.Counts {
	var c onboarding.Counts
	for _, rc := range cases {
		c.Ordered++
		switch rc.Stage {
		case onboarding.StageLive:
			c.Live++
		case onboarding.StageTests, onboarding.StageProduction:
			c.InTests++
		default:
			c.Preparation++
		}
	}
	return c
}

// RolloutTenantPage is the drill-down to one municipality (with the
// Gemeinden below it).
func (o *Pages) RolloutTenantPage(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjRollout, authz.Read) {
		return
	}
	t, ok := o.TenantFor(w, r, onboarding.ObjRollout, authz.Read)
	if !ok {
		return
	}
	ctx := r.Context()
	cases, err := o.store.RolloutCases(ctx, onboarding.RolloutFilter{
		TenantIDs: o.Authz.Tenants(authz.PrincipalFrom(ctx), onboarding.ObjRollout, authz.Read), TenantID: t.ID})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	nav, err := o.nav(r, "rollout")
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	health, err := o.caseHealth(r, delivery.HealthFilter{TenantIDs: caseTenants(cases), Reasons: true})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	o.Render(w, r, http.StatusOK, "anbindung-drilldown", rolloutView(o.page(r, "Umsetzungsstand: "+t.Name, drillData{Nav: nav, Title: t.Name,
		Tenant: t, Cases: cases, Counts: countCases(cases), Health: health,
		CSVLink: "/admin/rollout/export.csv?tabelle=faelle&kommune=" + url.QueryEscape(t.ID)})))
}

// RolloutServicePage is the drill-down to one Antragsstrecke across the
// municipalities.
func (o *Pages) RolloutServicePage(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjRollout, authz.Read) {
		return
	}
	ctx := r.Context()
	key := r.PathValue("key")
	catalog, err := o.store.Catalog(ctx)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	var stream *onboarding.Antragsstrecke
	for _, s := range catalog {
		for i := range s.Antragsstrecken {
			if s.Antragsstrecken[i].Key == key {
				stream = &s.Antragsstrecken[i]
			}
		}
	}
	if stream == nil {
		o.NotFound(w, r)
		return
	}
	cases, err := o.store.RolloutCases(ctx, onboarding.RolloutFilter{
		TenantIDs: o.Authz.Tenants(authz.PrincipalFrom(ctx), onboarding.ObjRollout, authz.Read), Antragsstrecke: key})
	if errors.Is(err, tenant.ErrNotFound) {
		o.NotFound(w, r)
		return
	}
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	nav, err := o.nav(r, "rollout")
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	health, err := o.caseHealth(r, delivery.HealthFilter{TenantIDs: caseTenants(cases), Antragsstrecke: stream.Key, Reasons: true})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	title := stream.OZGID + " " + stream.Label
	o.Render(w, r, http.StatusOK, "anbindung-drilldown", rolloutView(o.page(r, "Umsetzungsstand: "+stream.Label, drillData{Nav: nav, Title: title,
		Stream: stream, Cases: cases, Counts: countCases(cases), Health: health,
		CSVLink: "/admin/rollout/export.csv?tabelle=faelle&antragsstrecke=" + url.QueryEscape(strings.TrimSpace(key))})))
}

// countFailed adds to each district tile the failed deliveries of the
// district and its Gemeinden (failed: per tenant, delivery.Rollout).
func (o *Pages) countFailed(r *http.Request, visible []string, failed map[string]int, d *rolloutData) error {
	if len(failed) == 0 {
		return nil
	}
	ctx := r.Context()
	ids := make([]string, 0, len(failed))
	for id := range failed {
		ids = append(ids, id)
	}
	ts, err := o.Shell.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
	if err != nil {
		return err
	}
	tile := map[string]int{}
	for i := range d.Map.Tiles {
		tile[d.Map.Tiles[i].TenantID] = i
	}
	for _, t := range ts {
		i, ok := tile[t.ID]
		if !ok && t.ParentID != nil {
			i, ok = tile[*t.ParentID]
		}
		if ok {
			d.Map.Tiles[i].Failed += failed[t.ID]
			d.Failed += failed[t.ID]
		}
	}
	return nil
}

// countLiveFailing adds the live cases whose deliveries failed in the
// last 7 days to the matrix rows and the district tiles (health: per case,
// delivery.Rollout – the same aggregate query over the visible tenants as
// the failed counts, however many cases there are).
func (o *Pages) countLiveFailing(r *http.Request, visible []string, filter onboarding.RolloutFilter, health map[string]delivery.Health, d *rolloutData) error {
	var err error
	tile := map[string]int{}
	for i := range d.Map.Tiles {
		tile[d.Map.Tiles[i].TenantID] = i
	}
	rows := map[string]bool{}
	for _, row := range d.Report.Rows {
		rows[row.Key] = true
	}
	var parents map[string]string // tenant → parent, loaded when a Gemeinde needs it
	for _, h := range health {
		if !h.Live || h.Failed == 0 || !rows[h.Antragsstrecke] {
			continue
		}
		i, ok := tile[h.TenantID]
		if !ok {
			if parents == nil {
				if parents, err = o.parents(r, visible); err != nil {
					return err
				}
			}
			i, ok = tile[parents[h.TenantID]]
		}
		if !ok && filter.TenantID != "" {
			continue // outside the chosen district
		}
		if ok {
			d.Map.Tiles[i].LiveFailing++
		}
		d.LiveFailing[h.Antragsstrecke]++
		d.LiveFailingTotal++
	}
	return nil
}

// parents maps each of the tenants to its parent's ID.
func (o *Pages) parents(r *http.Request, ids []string) (map[string]string, error) {
	ts, err := o.Shell.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ts))
	for _, t := range ts {
		if t.ParentID != nil {
			out[t.ID] = *t.ParentID
		}
	}
	return out, nil
}

// rolloutView marks the Umsetzungsstand's pages as such in the side
// navigation (not as "Anbindung", which the ministry uses for the tools
// of the connection).
func rolloutView(v *ui.View) *ui.View {
	v.Nav = "rollout"
	return v
}
