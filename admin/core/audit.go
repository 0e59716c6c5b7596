package core

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"unicode/utf8"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// auditPageSize is how many entries one page of the log shows.
const auditPageSize = 50

type auditData struct {
	Nav     *ui.TenantNav // nil on the log of all tenants
	Path    string        // where the filter form goes
	Form    *ui.Form
	Objects []ui.Option
	Actions []ui.Option
	Tenants []ui.Option // nil on a tenant's own log and with TenantSearch
	// TenantSearch: too many tenants for a list; the filter is a text field.
	TenantSearch bool
	Entries      []auditRow
	Newer        string // link to the newest entries when paging
	Older        string // link to the next older entries, "" at the end
	Filtered     bool
}

type auditRow struct {
	tenant.AuditEntry
	TenantName  string
	ActionLabel string
	ObjectLabel string
	// Sentence says in German what happened ("Petra Probst hat die Phase
	// Anbindungstests von HzL abgeschlossen.").
	Sentence string
	Lines    []summaryLine
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

// auditNamePattern is what an object type or action filter may look like.
var auditNamePattern = regexp.MustCompile(`^[a-z0-9-]{1,50}$`)

// auditSelectMax is the most tenants the log's filter offers as a list.
// Above it – the ministry sees 2,244 at the Land's size, a list of 300 KB
// on every page of the log – the filter is a search field: official key,
// short name or part of the name.
const auditSelectMax = 100

func (c *Pages) AuditPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ids := c.Authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjAudit, authz.Read)
	if len(ids) == 0 {
		c.Forbidden(w, r, "Das Protokoll steht nur den Administrationen der Körperschaften zur Verfügung.")
		return
	}
	d := &auditData{Path: "/admin/protokoll", Form: ui.NewForm(), TenantSearch: len(ids) > auditSelectMax}
	var ts []tenant.Tenant // nil: renderAudit looks up the tenants the page names
	if !d.TenantSearch {
		var err error
		if ts, err = c.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids}); err != nil {
			c.ServerError(w, r, err)
			return
		}
		d.Tenants = []ui.Option{}
		for _, t := range ts {
			label := t.Name
			if t.Key() != "" {
				label += " (" + t.Key() + ")"
			}
			d.Tenants = append(d.Tenants, ui.Option{Value: t.ID, Label: label})
		}
	}
	if ref := strings.TrimSpace(r.URL.Query().Get("koerperschaft")); ref != "" {
		d.Form.Set("koerperschaft", ref)
		tid, problem, err := c.auditTenant(r, ids, ref, d.TenantSearch)
		if err != nil {
			c.ServerError(w, r, err)
			return
		}
		if problem != "" {
			d.Form.Add("koerperschaft", problem)
			ids = []string{}
		} else {
			ids = []string{tid}
		}
	}
	c.renderAudit(w, r, d, ids, ts, "Protokoll")
}

// auditTenant finds the tenant the log's filter names among the visible
// ids: by ID (the list, links), or with search also by official key,
// short name or a part of the name that only one visible tenant has.
// problem is the message for the field when there is none or several.
func (c *Pages) auditTenant(r *http.Request, ids []string, ref string, search bool) (tid, problem string, err error) {
	const outside = "Diese Körperschaft liegt nicht in Ihrem Bereich."
	if slices.Contains(ids, ref) {
		return ref, "", nil
	}
	if !search {
		return "", outside, nil
	}
	ctx := r.Context()
	t, err := c.Store.ResolveTenant(ctx, ref)
	switch {
	case err == nil:
		if slices.Contains(ids, t.ID) {
			return t.ID, "", nil
		}
		return "", outside, nil
	case !errors.Is(err, tenant.ErrNotFound):
		return "", "", err
	}
	if utf8.RuneCountInString(ref) > 100 {
		return "", "Bitte höchstens 100 Zeichen.", nil
	}
	found, err := c.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids, Query: ref})
	if err != nil {
		return "", "", err
	}
	switch len(found) {
	case 0:
		return "", "Keine Körperschaft in Ihrem Bereich passt zu „" + ref + "“.", nil
	case 1:
		return found[0].ID, "", nil
	}
	var names []string
	for _, t := range found[:min(len(found), 3)] {
		names = append(names, t.Name)
	}
	more := ""
	if len(found) > 3 {
		more = " …"
	}
	return "", fmt.Sprintf("%d Körperschaften passen (%s%s). Bitte genauer, am sichersten mit dem amtlichen Schlüssel.",
		len(found), strings.Join(names, ", "), more), nil
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
	if v := strings.TrimSpace(q.Get("wer")); v != "" {
		f.Set("wer", v)
		u, err := c.Store.UserByEmail(r.Context(), v)
		switch {
		case err == nil:
			filter.ActorID = "user:" + u.ID // the subject people act as (authz.Principal.Subject)
		case errors.Is(err, tenant.ErrNotFound):
			f.Add("wer", "Es gibt kein Benutzerkonto mit dieser E-Mail-Adresse.")
		default:
			c.ServerError(w, r, err)
			return
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
	d.Objects = labelledOptions(objectFilterLabels(), f.Get("objekt"))
	d.Actions = labelledOptions(auditVerbs, f.Get("aktion"))
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
	if ts == nil {
		if ts, err = c.pageTenants(r, entries); err != nil {
			c.ServerError(w, r, err)
			return
		}
	}
	n, err := c.auditNames(r, entries, ts)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	for _, e := range entries {
		row := auditRow{AuditEntry: e, ActionLabel: labelOr(auditVerbs, e.Action), ObjectLabel: labelOr(objectFilterLabels(), e.ObjectType),
			Sentence: auditSentence(e, n), Lines: summaryLines(e.Summary, n)}
		if e.TenantID != nil {
			row.TenantName = n.tenants[*e.TenantID]
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

// pageTenants returns the tenants a page of the log names: those the
// entries belong to and those they are about.
func (c *Pages) pageTenants(r *http.Request, entries []tenant.AuditEntry) ([]tenant.Tenant, error) {
	ids := []string{}
	for _, e := range entries {
		if e.TenantID != nil && !slices.Contains(ids, *e.TenantID) {
			ids = append(ids, *e.TenantID)
		}
		if e.ObjectType == "tenant" && e.ObjectID != "" && !slices.Contains(ids, e.ObjectID) {
			ids = append(ids, e.ObjectID)
		}
	}
	return c.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
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

// auditNames looks up the people, tenants and Antragsstrecken the
// entries of a page name: at most one lookup per person.
func (c *Pages) auditNames(r *http.Request, entries []tenant.AuditEntry, ts []tenant.Tenant) (auditNames, error) {
	n := auditNames{people: map[string]string{}, tenants: make(map[string]string, len(ts)), loc: c.Loc}
	for _, t := range ts {
		n.tenants[t.ID] = t.Name
	}
	ctx := r.Context()
	for _, e := range entries {
		if _, done := n.people[e.ActorID]; done || e.ActorID == "" {
			continue
		}
		n.people[e.ActorID] = ""
		id, ok := strings.CutPrefix(e.ActorID, "user:")
		if !ok {
			continue // the system, an API token, an anonymous visitor: their label says who
		}
		if u, err := c.Store.GetUser(ctx, id); err == nil {
			n.people[e.ActorID] = u.Name
		} else if !errors.Is(err, tenant.ErrNotFound) {
			return n, err
		}
	}
	if c.StreamLabels != nil {
		labels, err := c.StreamLabels(ctx)
		if err != nil {
			return n, err
		}
		n.streams = labels
	}
	return n, nil
}

// objectFilterLabels are the object types with their labels.
func objectFilterLabels() map[string]string {
	out := make(map[string]string, len(auditObjects))
	for k, o := range auditObjects {
		out[k] = o.label
	}
	return out
}

// summaryLines shows an entry's summary: the changed fields with before and
// after, or the plain values it recorded.
func summaryLines(s map[string]any, n auditNames) []summaryLine {
	before, hasBefore := s["before"].(map[string]any)
	after, hasAfter := s["after"].(map[string]any)
	var out []summaryLine
	plain := func(m map[string]any, skip ...string) {
		for _, k := range sortedKeys(m) {
			if !slices.Contains(skip, k) {
				out = append(out, summaryLine{Label: labelOr(auditFieldLabels, k), Value: summaryValue(k, m[k], n)})
			}
		}
	}
	switch {
	case hasBefore && hasAfter:
		for _, k := range sortedKeys(before, after) {
			out = append(out, summaryLine{Label: labelOr(auditFieldLabels, k), Change: true,
				Before: summaryValue(k, before[k], n), After: summaryValue(k, after[k], n)})
		}
		plain(s, "before", "after")
	case hasAfter:
		plain(after)
		plain(s, "after")
	default:
		plain(s)
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

// summaryValue formats one recorded value for people: German labels
// for codes, local time for times.
func summaryValue(key string, v any, n auditNames) string {
	var s string
	switch x := v.(type) {
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(x) {
			parts = append(parts, labelOr(auditFieldLabels, k)+": "+summaryValue(k, x[k], n))
		}
		s = strings.Join(parts, "; ")
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, summaryValue(key, e, n))
		}
		s = strings.Join(parts, ", ")
	case nil:
		s = "–"
	case bool:
		s = "nein"
		if x {
			s = "ja"
		}
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
		if key == "number" && x == 0 {
			s = "keine" // the Anbindungs-Sprechstunde has no number
		}
		if key == "variant" {
			s = map[string]string{"0": "noch nicht gewählt", "1": "Variante 1 (OSCI/XTA2)", "2": "Variante 2 (OSCI-Client)", "3": "Variante 3 (FIT-Connect)"}[s]
		}
	case string:
		switch {
		case x == "":
			s = "(leer)"
		case key == "role":
			s = tenant.Role(x).Label()
		case key == "kind":
			// A tenant's kind, or a Sprechstunde's ("anbindung", "ozg").
			if s = tenant.Kind(x).Label(); s == x {
				s = onboarding.KindLabel(x)
			}
		case key == "status":
			s = statusLabel(x)
		case key == "phase":
			s = phaseLabel(x)
		case key == "antragsstrecke" || key == "adoptedFromAntragsstrecke":
			s = n.stream(x)
		case key == "scope":
			s = map[string]string{"tenant": "einmal je Kommune", "case": "je Antragsstrecke"}[x]
		default:
			if t, ok := auditTime(x, n.loc); ok {
				s = t
			} else {
				s = x
			}
		}
	default:
		s = fmt.Sprint(x)
	}
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return s
}
