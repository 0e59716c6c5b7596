package core

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"unicode/utf8"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// auditPageSize is how many entries one page of the log shows.
const auditPageSize = 50

type auditData struct {
	Nav      *ui.TenantNav // nil on the log of all tenants
	Path     string        // where the filter form goes
	Form     *ui.Form
	Objects  []ui.Option
	Actions  []ui.Option
	Tenants  []ui.Option // nil on a tenant's own log
	Entries  []auditRow
	Newer    string // link to the newest entries when paging
	Older    string // link to the next older entries, "" at the end
	Filtered bool
}

type auditRow struct {
	tenant.AuditEntry
	TenantName  string
	ActionLabel string
	ObjectLabel string
	Lines       []summaryLine
}

// summaryLine is one field of an entry's summary: a change (Before →
// After) or a plain value.
type summaryLine struct {
	Label  string
	Before string
	After  string
	Value  string
	Change bool
}

// Labels of what the platform core writes into the log; other domains'
// entries show their raw names.
var (
	objectLabels = map[string]string{
		"tenant": "Körperschaft", "user": "Benutzerkonto", "membership": "Mitgliedschaft",
		"invitation": "Einladung", "api-token": "API-Token",
	}
	actionLabels = map[string]string{
		"create": "angelegt", "update": "geändert", "delete": "entfernt", "revoke": "widerrufen",
		"accept": "angenommen", "activate": "aktiviert", "deactivate": "deaktiviert",
		"change-password": "Passwort geändert", "request-password-reset": "Passwort-Link angefordert",
	}
	summaryLabels = map[string]string{
		"name": "Name", "kind": "Art", "officialKey": "Amtlicher Schlüssel", "slug": "Kurzname",
		"functionMailbox": "Funktionspostfach", "street": "Straße", "postalCode": "Postleitzahl", "city": "Ort",
		"itProvider": "IT-Dienstleister", "active": "Aktiv", "contacts": "Ansprechpersonen",
		"email": "E-Mail-Adresse", "role": "Rolle",
	}
)

// auditNamePattern is what an object type or action filter may look like.
var auditNamePattern = regexp.MustCompile(`^[a-z0-9-]{1,50}$`)

func (c *Pages) AuditPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ids := c.Authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjAudit, authz.Read)
	if len(ids) == 0 {
		c.Forbidden(w, r, "Das Protokoll steht nur den Administrationen der Körperschaften zur Verfügung.")
		return
	}
	ts, err := c.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	d := &auditData{Path: "/admin/protokoll", Form: ui.NewForm(), Tenants: []ui.Option{}}
	for _, t := range ts {
		label := t.Name
		if t.Key() != "" {
			label += " (" + t.Key() + ")"
		}
		d.Tenants = append(d.Tenants, ui.Option{Value: t.ID, Label: label})
	}
	if tid := r.URL.Query().Get("koerperschaft"); tid != "" {
		d.Form.Set("koerperschaft", tid)
		if !slices.Contains(ids, tid) {
			d.Form.Add("koerperschaft", "Diese Körperschaft liegt nicht in Ihrem Bereich.")
			ids = []string{}
		} else {
			ids = []string{tid}
		}
	}
	c.renderAudit(w, r, d, ids, ts, "Protokoll")
}

func (c *Pages) TenantAuditPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjAudit, authz.Read)
	if !ok {
		return
	}
	ctx := r.Context()
	nav := c.TenantNavFor(r, t, "protokoll", "Protokoll")
	d := &auditData{Nav: &nav, Path: "/admin/koerperschaften/" + t.ID + "/protokoll", Form: ui.NewForm()}
	ids := []string{t.ID}
	if r.URL.Query().Get("unterbereiche") == "1" {
		d.Form.Set("unterbereiche", "1")
		visible := c.Authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjAudit, authz.Read)
		ids = []string{}
		for _, id := range c.Authz.Subtree(t.ID) {
			if slices.Contains(visible, id) {
				ids = append(ids, id)
			}
		}
	}
	ts, err := c.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	c.renderAudit(w, r, d, ids, ts, "Protokoll – "+t.Name)
}

// renderAudit reads the filters of the query, lists the entries of the
// tenants ids and renders the log.
func (c *Pages) renderAudit(w http.ResponseWriter, r *http.Request, d *auditData, ids []string, ts []tenant.Tenant, title string) {
	q := r.URL.Query()
	f := d.Form
	filter := tenant.AuditFilter{TenantIDs: ids, Limit: auditPageSize}
	if v := q.Get("objekt"); v != "" {
		f.Set("objekt", v)
		if auditNamePattern.MatchString(v) {
			filter.ObjectType = v
		} else {
			f.Add("objekt", "Unbekannte Objektart.")
		}
	}
	if v := q.Get("aktion"); v != "" {
		f.Set("aktion", v)
		if auditNamePattern.MatchString(v) {
			filter.Action = v
		} else {
			f.Add("aktion", "Unbekannte Aktion.")
		}
	}
	filter.Since = c.FilterDay(f, q, "von", false)
	filter.Until = c.FilterDay(f, q, "bis", true)
	if !filter.Since.IsZero() && !filter.Until.IsZero() && !filter.Until.After(filter.Since) {
		f.Add("bis", "Das Ende des Zeitraums liegt vor seinem Anfang.")
	}
	if v := q.Get("vor"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			filter.BeforeID = n
		}
	}
	d.Objects = labelledOptions(objectLabels, f.Get("objekt"))
	d.Actions = labelledOptions(actionLabels, f.Get("aktion"))
	d.Filtered = len(f.Values) > 0
	status := http.StatusOK
	if f.Invalid() {
		status = http.StatusUnprocessableEntity
		filter.TenantIDs = []string{}
	}
	entries, err := c.Store.ListAudit(r.Context(), filter)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	names := make(map[string]string, len(ts))
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	for _, e := range entries {
		row := auditRow{AuditEntry: e, ActionLabel: labelOr(actionLabels, e.Action), ObjectLabel: labelOr(objectLabels, e.ObjectType),
			Lines: summaryLines(e.Summary)}
		if e.TenantID != nil {
			row.TenantName = names[*e.TenantID]
		}
		d.Entries = append(d.Entries, row)
	}
	if len(entries) == auditPageSize {
		older := url.Values{}
		for k, v := range q {
			if k != "vor" && k != "hinweis" {
				older[k] = v
			}
		}
		older.Set("vor", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		d.Older = d.Path + "?" + older.Encode()
	}
	if filter.BeforeID > 0 {
		newer := url.Values{}
		for k, v := range q {
			if k != "vor" && k != "hinweis" {
				newer[k] = v
			}
		}
		d.Newer = d.Path
		if len(newer) > 0 {
			d.Newer += "?" + newer.Encode()
		}
	}
	nav := "protokoll"
	if d.Nav != nil {
		nav = "" // a tenant's log belongs to the tenant, not to the main menu
	}
	c.Render(w, r, status, "protokoll", &ui.View{Title: title, Nav: nav, Data: d})
}

// labelledOptions turns a label table into sorted select options; a
// current value not in the table is kept as an option of its own.
func labelledOptions(labels map[string]string, current string) []ui.Option {
	out := make([]ui.Option, 0, len(labels)+1)
	for v, l := range labels {
		out = append(out, ui.Option{Value: v, Label: l})
	}
	if _, ok := labels[current]; !ok && current != "" && auditNamePattern.MatchString(current) {
		out = append(out, ui.Option{Value: current, Label: current})
	}
	slices.SortFunc(out, func(a, b ui.Option) int { return strings.Compare(a.Label, b.Label) })
	return out
}

func labelOr(labels map[string]string, v string) string {
	if l, ok := labels[v]; ok {
		return l
	}
	return v
}

// summaryLines shows an entry's summary: the changed fields with before and
// after, or the plain values it recorded.
func summaryLines(s map[string]any) []summaryLine {
	before, hasBefore := s["before"].(map[string]any)
	after, hasAfter := s["after"].(map[string]any)
	var out []summaryLine
	switch {
	case hasBefore && hasAfter:
		for _, k := range sortedKeys(before, after) {
			out = append(out, summaryLine{Label: labelOr(summaryLabels, k), Change: true,
				Before: summaryValue(k, before[k]), After: summaryValue(k, after[k])})
		}
	case hasAfter:
		for _, k := range sortedKeys(after) {
			out = append(out, summaryLine{Label: labelOr(summaryLabels, k), Value: summaryValue(k, after[k])})
		}
	default:
		for _, k := range sortedKeys(s) {
			out = append(out, summaryLine{Label: labelOr(summaryLabels, k), Value: summaryValue(k, s[k])})
		}
	}
	return out
}

func sortedKeys(ms ...map[string]any) []string {
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// summaryValue formats one recorded value for people.
func summaryValue(key string, v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		s = "–"
	case bool:
		s = "nein"
		if x {
			s = "ja"
		}
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		switch {
		case x == "":
			s = "(leer)"
		case key == "role":
			s = tenant.Role(x).Label()
		case key == "kind":
			s = tenant.Kind(x).Label()
		default:
			s = x
		}
	default:
		s = fmt.Sprint(x)
	}
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return s
}
