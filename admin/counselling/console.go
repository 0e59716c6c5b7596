package counselling

import (
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strings"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
)

// Pages serves the pages of the Beratungsstellen directory
// and of the online appointments under /admin/beratung/ and
// /admin/termine/: the centres' own entries, the municipalities' and the
// ministry's lists, CSV import and export, the Landesredaktion's review,
// the outdated entries, the topics, the slot calendars and bookings. It
// shares the console's templates, sessions, access checks and error pages.
type Pages struct {
	*ui.Shell
	dir   *counselling.Store
	appts *appointments.Store
}

//go:embed templates
var templateFS embed.FS

// New returns the directory's and the appointments' pages. Call it once at
// start, before serving: it adds their templates (templates/pages/*.html,
// each with the directory's parts; page names with the prefix
// "beratung-") to the shell's set.
func New(s *ui.Shell, dir *counselling.Store, appts *appointments.Store) (*Pages, error) {
	if dir == nil || appts == nil {
		return nil, errors.New("admin: counselling and appointments stores are required")
	}
	if err := s.AddPages(templateFS, counsellingFuncs(s.Loc), []string{"templates/parts.html"}, "templates/pages/*.html", "beratung-"); err != nil {
		return nil, err
	}
	return &Pages{Shell: s, dir: dir, appts: appts}, nil
}

// counsellingFuncs are the template functions of the directory's and the
// appointments' pages; times are shown in loc.
func counsellingFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"stateLabel": counselling.StateLabel,
		"waiting": func(d *int) string {
			switch {
			case d == nil:
				return "keine Angabe"
			case *d == 0:
				return "keine"
			case *d == 1:
				return "etwa 1 Tag"
			}
			return fmt.Sprintf("etwa %d Tage", *d)
		},
		"termLabel": counselling.TermLabel,
		"ways":      func() []counselling.Term { return counselling.Ways },
		"access":    func() []counselling.Term { return counselling.Accessibility },
		"language":  func(code string) string { return counselling.LanguageName(code, "de") },
		"hours":     func(list []counselling.Interval) string { return strings.Join(counselling.FormatHours(list), "; ") },
		"clock": func(v any) string {
			t, ok := ui.TimeOf(v)
			if !ok {
				return ""
			}
			return t.In(loc).Format("15:04")
		},
		"weekday": func(v any) string {
			t, ok := ui.TimeOf(v)
			if !ok {
				return ""
			}
			return germanWeekdays[t.In(loc).Weekday()]
		},
	}
}

var germanWeekdays = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}

// page builds a view with the directory's notice.
func (k *Pages) page(r *http.Request, title, nav string, data any) *ui.View {
	return &ui.View{Title: title, Nav: nav, Notice: ui.Notice(r, "counselling"), Data: data}
}

// principal is the request's principal.
func principal(r *http.Request) authz.Principal { return authz.PrincipalFrom(r.Context()) }

// ministry reports whether the person may do act on obj in a root tenant
// (the Landesredaktion).
func (k *Pages) ministry(r *http.Request, obj, act string) bool {
	for _, id := range k.Authz.Tenants(principal(r), obj, act) {
		if k.Authz.IsRoot(id) {
			return true
		}
	}
	return false
}

// centreAccess loads the centre of the path's {id} for act: 404 when it
// does not exist or the person may not read it, 403 when it may read but
// not act.
func (k *Pages) centreAccess(w http.ResponseWriter, r *http.Request, act string) (*counselling.Centre, bool) {
	id := r.PathValue("id")
	if id == "" || len(id) > 64 || !k.Allowed(r, id, counselling.ObjCentre, authz.Read) {
		k.NotFound(w, r)
		return nil, false
	}
	if !k.Allowed(r, id, counselling.ObjCentre, act) {
		k.Forbidden(w, r, "Diese Beratungsstelle dürfen Sie nur ansehen.")
		return nil, false
	}
	c, err := k.dir.Get(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) {
		k.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		k.ServerError(w, r, err)
		return nil, false
	}
	return c, true
}

// readable lists the centres the person may read, optionally filtered.
func (k *Pages) readable(r *http.Request, f counselling.ListFilter) ([]counselling.Centre, error) {
	f.TenantIDs = k.Authz.Tenants(principal(r), counselling.ObjCentre, authz.Read)
	return k.dir.List(r.Context(), f)
}

// parentOptions are the bodies below which the person may create centres
// (no organisations, no Landesbehörden).
func (k *Pages) parentOptions(r *http.Request) ([]ui.Option, error) {
	ids := k.Authz.Tenants(principal(r), counselling.ObjCentre, authz.Create)
	ts, err := k.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	var out []ui.Option
	for _, t := range ts {
		if t.Kind == tenant.KindOrganisation || t.Kind == tenant.KindLandesbehoerde || !t.Active {
			continue
		}
		label := t.Name
		if t.Key() != "" {
			label += " (" + t.Key() + ")"
		}
		out = append(out, ui.Option{Value: t.ID, Label: label})
	}
	return out, nil
}

// hubData fills the directory's start page.
type hubData struct {
	// Centres is one page of the list (hubPageSize), Total the number of
	// all that match.
	Centres   []counselling.Centre
	Total     int
	Continued bool   // not the first page
	More      string // link to the next page; empty on the last
	First     string // link to the first page
	Query     string
	State     string
	CanCreate bool
	Ministry  bool
	Settings  counselling.Settings
	Pending   int
	Outdated  int
	Parents   []ui.Option
}

// hubPageSize is how many centres the list shows at once: at the Land's
// size the ministry sees 2,000.
const hubPageSize = 100

// Hub lists the centres the person may see, a page at a time; an editor
// of one centre goes straight to it.
func (k *Pages) Hub(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	state := r.URL.Query().Get("stand")
	if !slices.Contains([]string{"", counselling.StatePublished, counselling.StatePending, counselling.StateRejected, "draft"}, state) {
		state = ""
	}
	if len(q) > 100 {
		q = q[:100]
	}
	f := counselling.ListFilter{Query: q, State: state, TenantIDs: k.Authz.Tenants(principal(r), counselling.ObjCentre, authz.Read)}
	page := keyset.Page[counselling.CentreKey]{Limit: hubPageSize}
	if after, ok := decodeCentreKey(r.URL.Query().Get("ab")); ok {
		page.After = &after
	}
	f.Page = &page
	rows, err := k.dir.List(r.Context(), f)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	cs, more := keyset.Cut(rows, page.Size())
	counts, err := k.dir.Count(r.Context(), f)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	parents, err := k.parentOptions(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	d := hubData{Centres: cs, Total: counts.Matching, Continued: page.After != nil, Query: q, State: state,
		CanCreate: len(parents) > 0, Parents: parents, Pending: counts.Pending, Outdated: counts.Outdated,
		Ministry: k.ministry(r, counselling.ObjReview, authz.Update)}
	if d.Total == 1 && len(cs) == 1 && !d.CanCreate && q == "" && state == "" && r.URL.Query().Get("hinweis") == "" {
		http.Redirect(w, r, "/admin/beratung/"+cs[0].ID, http.StatusSeeOther)
		return
	}
	link := url.Values{}
	if q != "" {
		link.Set("q", q)
	}
	if state != "" {
		link.Set("stand", state)
	}
	d.First = "/admin/beratung/"
	if len(link) > 0 {
		d.First += "?" + link.Encode()
	}
	if more {
		link.Set("ab", encodeCentreKey(cs[len(cs)-1].PageKey()))
		d.More = "/admin/beratung/?" + link.Encode()
	}
	if d.Ministry {
		if d.Settings, err = k.dir.Settings(r.Context()); err != nil {
			k.ServerError(w, r, err)
			return
		}
	}
	k.Render(w, r, http.StatusOK, "beratung-start", k.page(r, "Beratungsstellen", "beratung", d))
}

// encodeCentreKey and decodeCentreKey carry a position in the list in the
// link to the next page. The position is no secret and grants nothing (the
// list holds only centres the person may read); a garbled one starts from
// the first.
func encodeCentreKey(k counselling.CentreKey) string {
	b, _ := json.Marshal(k) // a struct of two strings
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCentreKey(s string) (counselling.CentreKey, bool) {
	var k counselling.CentreKey
	if s == "" || len(s) > 1024 {
		return k, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &k) != nil || k.ID == "" {
		return k, false
	}
	return k, true
}

// SaveSettings switches the review on or off (ministry).
func (k *Pages) SaveSettings(w http.ResponseWriter, r *http.Request) {
	if !k.ministry(r, counselling.ObjSettings, authz.Update) {
		k.Forbidden(w, r, "Diese Einstellung ist dem Ministerium vorbehalten.")
		return
	}
	if _, err := k.dir.SetReviewRequired(r.Context(), r.PostForm.Get("pruefung") == "1"); err != nil {
		k.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/beratung/", "einstellungen")
}
