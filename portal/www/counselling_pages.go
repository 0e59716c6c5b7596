package www

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/portal/gazetteer"
	"sozialplattform/tenant"
)

// CounsellingDeps are what the counselling-centre search and the online
// appointments (issue 8) need; cmd passes them to RegisterCounselling.
type CounsellingDeps struct {
	Directory    *counselling.Store
	Appointments *appointments.Store
}

// counsellingPages serves /{slug}/beratung (search and entries) and
// /{slug}/termine (calendars, booking, booking page, cancellation).
type counsellingPages struct {
	p     *Portal
	dir   *counselling.Store
	appts *appointments.Store
}

// RegisterCounselling adds the counselling-centre search and the online
// appointments to the portal. Their routes are in the portal's table
// (routes.go); with them, the placeholder at /beratung gives way. Call it
// once at start, before serving: it adds its pages to the portal's
// template sets.
func (p *Portal) RegisterCounselling(d CounsellingDeps) error {
	if d.Directory == nil || d.Appointments == nil {
		return errors.New("portal counselling: Directory and Appointments are required")
	}
	c := &counsellingPages{p: p, dir: d.Directory, appts: d.Appointments}
	if err := p.addPages(p.pages, "templates/beratung/*.html", "beratung-", []string{"templates/beratung/parts.html"}); err != nil {
		return fmt.Errorf("portal counselling: %w", err)
	}
	p.counsel = c
	p.buildTable() // again, with these pages
	return nil
}

// csLabels turns the directory's keys into the citizen's language.
type csLabels struct {
	cat    *Catalogue
	lang   string
	topics map[string]string // key → German label of the taxonomy
	loc    *time.Location
}

func (c *counsellingPages) csLabels(r *http.Request) (*csLabels, error) {
	ts, err := c.dir.Topics(r.Context(), true)
	if err != nil {
		return nil, err
	}
	l := &csLabels{cat: c.p.cat(r), lang: stateFrom(r).lang.Code, topics: map[string]string{}, loc: c.p.loc}
	for _, t := range ts {
		l.topics[t.Key] = t.Label
	}
	return l, nil
}

// topic names a topic: the catalogue's translation for the built-in ones,
// the ministry's German label for those it added.
func (l *csLabels) topic(key string) string {
	if k := "counselling.topic." + key; l.cat.Has(k) {
		return l.cat.T(k)
	}
	if s, ok := l.topics[key]; ok {
		return s
	}
	return key
}

func (l *csLabels) term(kind, key string) string {
	if k := "counselling." + kind + "." + key; l.cat.Has(k) {
		return l.cat.T(k)
	}
	return key
}

func (l *csLabels) language(code string) string { return counselling.LanguageName(code, l.lang) }

func (l *csLabels) weekday(key string) string { return l.cat.T("weekday." + key) }

// clock is a time of day in German time.
func (l *csLabels) clock(t time.Time) string { return t.In(l.loc).Format("15:04") }

// day names a day: weekday and date.
func (l *csLabels) day(t time.Time) string {
	t = t.In(l.loc)
	return l.weekday(counselling.WeekdayKeys()[(int(t.Weekday())+6)%7]) + ", " + t.Format("02.01.2006")
}

// when names a moment relative to now: "today 14:00", "tomorrow 09:00",
// "Monday 09:00".
func (l *csLabels) when(t, now time.Time) string {
	t, now = t.In(l.loc), now.In(l.loc)
	d0 := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, l.loc)
	d1 := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, l.loc)
	switch days := int(math.Round(d1.Sub(d0).Hours() / 24)); {
	case days == 0:
		return l.cat.Tf("counselling.when.today", l.clock(t))
	case days == 1:
		return l.cat.Tf("counselling.when.tomorrow", l.clock(t))
	case days < 7:
		return l.cat.Tf("counselling.when.weekday", l.weekday(counselling.WeekdayKeys()[(int(t.Weekday())+6)%7]), l.clock(t))
	}
	return l.cat.Tf("counselling.when.date", t.Format("02.01."), l.clock(t))
}

// status is the opening status as a sentence.
func (l *csLabels) status(st counselling.Status, now time.Time) (string, bool) {
	switch {
	case !st.Known:
		return l.cat.T("counselling.status.unknown"), false
	case st.Open:
		return l.cat.Tf("counselling.status.open", l.clock(*st.Until)), true
	case st.Holiday != "" && st.Next != nil:
		return l.cat.Tf("counselling.status.holiday", st.Holiday, l.when(*st.Next, now)), false
	case st.Next != nil:
		return l.cat.Tf("counselling.status.closed", l.when(*st.Next, now)), false
	}
	return l.cat.T("counselling.status.closednow"), false
}

// distance writes kilometres the way the language writes decimals.
func (l *csLabels) distance(km float64) string {
	s := strconv.FormatFloat(km, 'f', 1, 64)
	if l.lang != "en" && l.lang != "ar" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return l.cat.Tf("counselling.km", s)
}

func (l *csLabels) waiting(d *int) string {
	switch {
	case d == nil:
		return ""
	case *d == 0:
		return l.cat.T("counselling.waiting.none")
	case *d < 14:
		return l.cat.Tf("counselling.waiting.days", *d)
	}
	return l.cat.Tf("counselling.waiting.weeks", (*d+3)/7)
}

// option is an entry of a select or a box of a group.
type csOption struct {
	Value, Label string
	Selected     bool
}

// csHit is one hit on the search page.
type csHit struct {
	ID, Name, Provider string
	Topics             []string
	Address            string
	Distance           string
	Open               bool
	Status             string
	Emergency          string
	Waiting            string
	Outdated           bool
	Appointments       bool
}

// csSearch fills the search page.
type csSearch struct {
	Place                         string // as typed
	From                          string // the place measured from
	NotFound                      bool
	Topics, Languages, Ways, Radi []csOption
	Access                        []csOption
	Results                       []csHit
	Total                         int
	Next                          string // link to the next page, "" for none
	Prev                          string
	Office                        bool // the site has calendars of its own
	Filtered                      bool
}

// csRadii are the distances the search offers.
var csRadii = []int{5, 10, 25, 50, 100}

// csLanguages are the languages the filter offers; entries may name
// others, which the search still finds by API.
var csLanguages = []string{"de", "en", "ar", "uk", "ru", "tr", "fa", "pl", "ro", "bg", "ku", "ps", "ti", "so", "fr", "es", "vi"}

// search is the counselling-centre search of a municipality's portal.
func (c *counsellingPages) search(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	lb, err := c.csLabels(r)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	q := r.URL.Query()
	get := func(name string, max int) string {
		v := strings.TrimSpace(q.Get(name))
		if len(v) > max {
			return ""
		}
		return v
	}
	d := csSearch{Place: get("ort", gazetteer.MaxQueryLen)}
	query := counselling.Query{Topic: get("thema", 40), Language: get("sprache", 2), Way: get("weg", 20), Limit: 20}
	for _, a := range q["barriere"] {
		if counselling.TermLabel(counselling.Accessibility, a) != a && len(query.Accessibility) < 10 {
			query.Accessibility = append(query.Accessibility, a)
		}
	}
	if query.Way != "" && counselling.TermLabel(counselling.Ways, query.Way) == query.Way {
		query.Way = ""
	}
	if query.Language != "" && !counselling.ValidLanguage(query.Language) {
		query.Language = ""
	}
	radius, _ := strconv.Atoi(get("umkreis", 3))
	if !slices.Contains(csRadii, radius) {
		radius = 0
	}
	page, _ := strconv.Atoi(get("seite", 4))
	page = max(1, min(page, 500))
	query.Offset = (page - 1) * query.Limit
	d.Filtered = query.Topic != "" || query.Language != "" || query.Way != "" || len(query.Accessibility) > 0 || radius > 0

	// Measure from the place the citizen typed, else from the site's seat.
	var from counselling.Place
	var ok bool
	if d.Place != "" {
		if from, ok = counselling.ResolvePlace(d.Place); !ok {
			d.NotFound = true
		}
	} else if from, ok = counselling.ResolvePlace(st.site.Tenant.Key()); !ok {
		from, ok = counselling.ResolvePlace(st.site.Tenant.City)
	}
	if ok {
		query.Near = from.Point()
		d.From = from.Name
		if radius > 0 {
			query.RadiusKm = float64(radius)
		}
	}
	if query.Topic != "" && !slices.ContainsFunc(slices.Collect(csKeys(lb.topics)), func(k string) bool { return k == query.Topic }) {
		query.Topic = ""
	}
	res, err := c.dir.Search(r.Context(), query)
	var fe tenant.FieldErrors
	if errors.As(err, &fe) {
		res, err = counselling.Results{}, nil
	}
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	ids := make([]string, len(res.Items))
	for i, it := range res.Items {
		ids[i] = it.ID
	}
	cals, err := c.appts.Calendars(r.Context(), append(ids, st.site.Tenant.ID), true)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	withCal := map[string]bool{}
	for _, cal := range cals {
		withCal[cal.TenantID] = true
	}
	d.Office = withCal[st.site.Tenant.ID]
	now := c.dir.Now()
	for _, it := range res.Items {
		rv := csHit{ID: it.ID, Name: it.Name, Provider: it.Provider, Outdated: it.PossiblyOutdated, Appointments: withCal[it.ID],
			Waiting: lb.waiting(it.WaitingDays)}
		for _, t := range it.Topics {
			rv.Topics = append(rv.Topics, lb.topic(t))
		}
		if len(it.Addresses) > 0 {
			rv.Address = it.Addresses[it.Nearest].Line()
		}
		if it.DistanceKm != nil {
			rv.Distance = lb.distance(*it.DistanceKm)
		}
		rv.Status, rv.Open = lb.status(it.Status, now)
		if it.Emergency.Open {
			rv.Emergency = lb.cat.Tf("counselling.emergency.open", lb.clock(*it.Emergency.Until))
		}
		d.Results = append(d.Results, rv)
	}
	d.Total = res.Total

	// The filters, in the citizen's language.
	ts, err := c.dir.Topics(r.Context(), false)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	for _, t := range ts {
		d.Topics = append(d.Topics, csOption{Value: t.Key, Label: lb.topic(t.Key), Selected: t.Key == query.Topic})
	}
	for _, code := range csLanguages {
		d.Languages = append(d.Languages, csOption{Value: code, Label: lb.language(code), Selected: code == query.Language})
	}
	for _, w := range counselling.Ways {
		d.Ways = append(d.Ways, csOption{Value: w.Key, Label: lb.term("way", w.Key), Selected: w.Key == query.Way})
	}
	for _, a := range counselling.Accessibility {
		d.Access = append(d.Access, csOption{Value: a.Key, Label: lb.term("access", a.Key), Selected: slices.Contains(query.Accessibility, a.Key)})
	}
	for _, km := range csRadii {
		d.Radi = append(d.Radi, csOption{Value: strconv.Itoa(km), Label: lb.cat.Tf("counselling.filter.radius.km", km), Selected: km == radius})
	}

	// Keep the filters on a language switch and in the paging links.
	keep := url.Values{}
	for _, k := range []string{"ort", "thema", "sprache", "weg", "umkreis"} {
		if v := get(k, 100); v != "" {
			keep.Set(k, v)
		}
	}
	for _, a := range query.Accessibility {
		keep.Add("barriere", a)
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range keep {
			v[k] = vs
		}
		if n > 1 {
			v.Set("seite", strconv.Itoa(n))
		}
		return st.site.Prefix + "/beratung?" + v.Encode()
	}
	if query.Offset+len(res.Items) < res.Total {
		d.Next = link(page + 1)
	}
	if page > 1 {
		d.Prev = link(page - 1)
	}
	v := c.p.view(r, lb.cat.T("counselling.title"))
	v.Query = keep.Encode()
	v.Data = d
	c.p.render(w, r, http.StatusOK, "beratung-suche", v, revalidate)
}

func csKeys(m map[string]string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// csHoursRow is one weekday of an hours table.
type csHoursRow struct {
	Day   string
	Times []string // "09:00–12:00 (nur mit Termin)"
	Today bool
}

// csEntry fills an entry page.
type csEntry struct {
	E            counselling.Public
	Topics       []string
	Hours        []csHoursRow
	Emergency    []csHoursRow
	Status       string
	Open         bool
	EmergencyNow string
	Languages    []string
	Access       []string
	Ways         []string
	Waiting      string
	VerifiedOn   string
	Area         []string
	Calendars    []appointments.Calendar
	Addresses    []csAddress
	SearchURL    string
	WebsiteHost  string
	PhoneURI     template.URL // tel: with digits only
}

type csAddress struct {
	Label, Line, MapURL string
}

// hoursTable groups intervals by weekday in the citizen's language.
func (l *csLabels) hoursTable(list []counselling.Interval, now time.Time) []csHoursRow {
	today := counselling.WeekdayKeys()[(int(now.In(l.loc).Weekday())+6)%7]
	var out []csHoursRow
	for _, key := range counselling.WeekdayKeys() {
		row := csHoursRow{Day: l.weekday(key), Today: key == today}
		for _, iv := range list {
			if iv.Day == key {
				s := iv.From + "–" + iv.To
				if iv.Note != "" {
					s += " (" + iv.Note + ")"
				}
				row.Times = append(row.Times, s)
			}
		}
		if len(row.Times) > 0 {
			out = append(out, row)
		}
	}
	return out
}

// csAreaName names an official key by the gazetteer, else the key.
func csAreaName(key string) string {
	hits := gazetteer.Lookup(key)
	if len(hits) > 0 && (hits[0].AGS == key || (len(key) == 5 && hits[0].Kreis == key)) {
		return hits[0].Name
	}
	if key == "15" {
		return "Sachsen-Anhalt"
	}
	return key
}

// entry is a centre's page.
func (c *counsellingPages) entry(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	id := r.PathValue("id")
	if len(id) > 64 {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	e, err := c.dir.GetPublic(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	lb, err2 := c.csLabels(r)
	if err == nil {
		err = err2
	}
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	cals, err := c.appts.Calendars(r.Context(), []string{e.ID}, true)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	now := c.dir.Now()
	d := csEntry{E: *e, Hours: lb.hoursTable(e.OpeningHours, now), Emergency: lb.hoursTable(e.EmergencyHours, now),
		Waiting: lb.waiting(e.WaitingDays), Calendars: cals, SearchURL: st.site.Prefix + "/beratung"}
	d.Status, d.Open = lb.status(e.Status, now)
	if e.Emergency.Open {
		d.EmergencyNow = lb.cat.Tf("counselling.emergency.open", lb.clock(*e.Emergency.Until))
	}
	for _, t := range e.Topics {
		d.Topics = append(d.Topics, lb.topic(t))
	}
	for _, code := range e.Languages {
		d.Languages = append(d.Languages, lb.language(code))
	}
	for _, a := range e.Accessibility {
		d.Access = append(d.Access, lb.term("access", a))
	}
	for _, w := range e.Ways {
		d.Ways = append(d.Ways, lb.term("way", w))
	}
	for _, k := range e.ServiceArea {
		d.Area = append(d.Area, csAreaName(k))
	}
	for _, a := range e.Addresses {
		d.Addresses = append(d.Addresses, csAddress{Label: a.Label, Line: a.Line(),
			MapURL: fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f", a.Lat, a.Lon, a.Lat, a.Lon)})
	}
	if e.VerifiedOn != nil {
		d.VerifiedOn = e.VerifiedOn.Format("02.01.2006")
	}
	if u, err := url.Parse(e.Website); err == nil {
		d.WebsiteHost = u.Host
	}
	d.PhoneURI = template.URL("tel:" + strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, e.Phone))
	v := c.p.view(r, e.Name)
	v.Data = d
	c.p.render(w, r, http.StatusOK, "beratung-stelle", v, revalidate)
}
