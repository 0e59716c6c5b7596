package www

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sozialplattform/portal/appointments"
	"sozialplattform/tenant"
	"sozialplattform/tenant/download"
	"sozialplattform/tenant/web"
)

// calendarsView lists the site's own calendars (its offices).
type calendarsView struct {
	Calendars []appointments.Calendar
}

// calendars lists the municipality's own appointment calendars.
func (c *counsellingPages) calendars(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	if !st.site.Local {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	cals, err := c.appts.Calendars(r.Context(), []string{st.site.Tenant.ID}, true)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	v := c.p.view(r, c.p.cat(r).T("appointment.offices.title"))
	v.Data = calendarsView{Calendars: cals}
	c.p.render(w, r, http.StatusOK, "beratung-termine", v, revalidate)
}

// slotDay is one day of free slots on the booking page.
type slotDay struct {
	Label string
	Slots []slotView
}

type slotView struct {
	ID, Value, Label string
	Checked          bool
}

// bookingForm keeps the booking form's input and problems.
type bookingForm struct {
	Values map[string]string
	Errors []fieldProblem
	Alert  string
}

func (f *bookingForm) Get(id string) string { return f.Values[id] }

func (f *bookingForm) Error(id string) string {
	for _, e := range f.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

func (f *bookingForm) add(id, msg string) {
	if f.Error(id) == "" {
		f.Errors = append(f.Errors, fieldProblem{ID: id, Message: msg})
	}
}

// calendarView fills the booking page.
type calendarView struct {
	Calendar   *appointments.Calendar
	Owner      string // the centre or office
	OwnerURL   string // its entry page, "" for an office
	Days       []slotDay
	Week       string // "22.06.–28.06.2026"
	Prev, Next string // links to other weeks, "" for none
	Form       *bookingForm
	Action     string
	Retain     int
}

// calendarFor loads an active calendar of the path's {cid} with its
// owner; false when the page is answered.
func (c *counsellingPages) calendarFor(w http.ResponseWriter, r *http.Request) (*appointments.Calendar, *tenant.Tenant, bool) {
	st := stateFrom(r)
	id := r.PathValue("cid")
	if !st.site.Local || len(id) > 64 {
		c.p.notFound(w, r, c.p.view(r, ""))
		return nil, nil, false
	}
	cal, err := c.appts.Calendar(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !cal.Active) {
		c.p.notFound(w, r, c.p.view(r, ""))
		return nil, nil, false
	}
	var owner *tenant.Tenant
	if err == nil {
		owner, err = c.p.store.GetTenant(r.Context(), cal.TenantID)
	}
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return nil, nil, false
	}
	if !owner.Active {
		c.p.notFound(w, r, c.p.view(r, ""))
		return nil, nil, false
	}
	return cal, owner, true
}

func (c *counsellingPages) calendar(w http.ResponseWriter, r *http.Request) {
	cal, owner, ok := c.calendarFor(w, r)
	if !ok {
		return
	}
	c.renderCalendar(w, r, http.StatusOK, cal, owner, &bookingForm{Values: map[string]string{}})
}

// renderCalendar shows a week of free slots and the booking form.
func (c *counsellingPages) renderCalendar(w http.ResponseWriter, r *http.Request, status int, cal *appointments.Calendar, owner *tenant.Tenant, f *bookingForm) {
	st := stateFrom(r)
	lb, err := c.csLabels(r)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	loc := c.appts.Location()
	now := c.appts.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	start := today
	if ab := r.URL.Query().Get("ab"); ab != "" && len(ab) == 10 {
		if t, err := time.ParseInLocation("2006-01-02", ab, loc); err == nil && !t.Before(today) && t.Before(today.AddDate(0, 0, 366)) {
			start = t
		}
	}
	end := start.AddDate(0, 0, 7)
	slots, err := c.appts.Slots(r.Context(), cal, start, end.Add(-time.Minute))
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	d := calendarView{Calendar: cal, Owner: owner.Name, Form: f, Retain: c.appts.RetainDays(),
		Action: st.site.Prefix + "/termine/kalender/" + cal.ID,
		Week:   start.Format("02.01.") + "–" + end.AddDate(0, 0, -1).Format("02.01.2006")}
	if owner.Kind == tenant.KindOrganisation {
		d.OwnerURL = st.site.Prefix + "/beratung/" + owner.ID
	}
	chosen := f.Get("start")
	for _, s := range slots {
		if !s.Free {
			continue
		}
		label := lb.day(s.Start)
		if len(d.Days) == 0 || d.Days[len(d.Days)-1].Label != label {
			d.Days = append(d.Days, slotDay{Label: label})
		}
		v := s.Start.UTC().Format(time.RFC3339)
		day := &d.Days[len(d.Days)-1]
		day.Slots = append(day.Slots, slotView{ID: "termin-" + s.Start.UTC().Format("200601021504"), Value: v,
			Label: lb.clock(s.Start) + "–" + lb.clock(s.End), Checked: v == chosen})
	}
	_, last := cal.Window(now)
	if start.After(today) {
		d.Prev = d.Action + "?ab=" + start.AddDate(0, 0, -7).Format("2006-01-02")
		if start.AddDate(0, 0, -7).Before(today) {
			d.Prev = d.Action
		}
	}
	if end.Before(last) {
		d.Next = d.Action + "?ab=" + end.Format("2006-01-02")
	}
	tok, err := c.p.formToken(w, r)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	title := lb.cat.Tf("appointment.title", cal.Name)
	if len(f.Errors) > 0 || f.Alert != "" {
		title = lb.cat.T("form.errors.prefix") + " " + title
	}
	v := c.p.view(r, title)
	v.CSRF = tok
	if r.URL.Query().Get("ab") != "" {
		v.Query = "ab=" + start.Format("2006-01-02")
	}
	v.Data = d
	c.p.render(w, r, status, "beratung-kalender", v, private)
}

// book takes the booking form.
func (c *counsellingPages) book(w http.ResponseWriter, r *http.Request) {
	cal, owner, ok := c.calendarFor(w, r)
	if !ok {
		return
	}
	if !c.p.checkForm(w, r) {
		return
	}
	st := stateFrom(r)
	cat := c.p.cat(r)
	f := &bookingForm{Values: map[string]string{}}
	text := func(id string, max int) string {
		v := strings.TrimSpace(r.PostForm.Get(id))
		f.Values[id] = v
		switch {
		case utf8.RuneCountInString(v) > max:
			f.add(id, cat.Tf("form.error.toolong", max))
		case !utf8.ValidString(v) || strings.ContainsFunc(v, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\r' }):
			f.add(id, cat.T("form.error.control"))
		}
		return v
	}
	start := text("start", 40)
	name := text("name", appointments.MaxNameLen)
	email := text("email", tenant.MaxEmailLen)
	phone := text("phone", 40)
	remark := text("remark", appointments.MaxRemarkLen)
	if r.PostForm.Get("consent") == "1" {
		f.Values["consent"] = "1"
	}
	when, err := time.Parse(time.RFC3339, start)
	if start == "" || err != nil {
		f.add("start", cat.T("appointment.error.start"))
	}
	if name == "" {
		f.add("name", cat.T("appointment.error.name"))
	}
	if a, err := mail.ParseAddress(email); email == "" || err != nil || a.Address != email {
		f.add("email", cat.T("appointment.error.email"))
	}
	if f.Values["consent"] != "1" {
		f.add("consent", cat.T("appointment.error.consent"))
	}
	if len(f.Errors) > 0 {
		c.renderCalendar(w, r, http.StatusUnprocessableEntity, cal, owner, f)
		return
	}
	_, tok, err := c.appts.Book(r.Context(), appointments.BookingInput{CalendarID: cal.ID, Start: when, Name: name, Email: email,
		Phone: phone, Remark: remark, SiteSlug: st.site.Tenant.Slug, Lang: st.lang.Code, Client: web.ClientIPFrom(r.Context())})
	var fe tenant.FieldErrors
	var rl *appointments.RateLimitError
	switch {
	case err == nil:
		http.Redirect(w, r, st.site.Prefix+"/termine/buchung/"+tok.Page, http.StatusSeeOther)
		return
	case errors.As(err, &fe):
		for _, e := range fe {
			id := e.Field
			if !slicesContains([]string{"start", "name", "email", "phone", "remark"}, id) {
				id = ""
			}
			key := id
			if key == "" {
				key = "start"
			}
			f.add(id, cat.T("appointment.error."+key))
		}
		c.renderCalendar(w, r, http.StatusUnprocessableEntity, cal, owner, f)
	case errors.Is(err, appointments.ErrSlotTaken):
		f.Values["start"] = ""
		f.add("start", cat.T("appointment.error.taken"))
		c.renderCalendar(w, r, http.StatusConflict, cal, owner, f)
	case errors.Is(err, appointments.ErrSlotUnavailable), errors.Is(err, appointments.ErrCalendarClosed):
		f.Values["start"] = ""
		f.add("start", cat.T("appointment.error.unavailable"))
		c.renderCalendar(w, r, http.StatusUnprocessableEntity, cal, owner, f)
	case errors.As(err, &rl):
		f.Alert = cat.Tf("appointment.error.ratelimit", int(rl.RetryAfter.Minutes())+1)
		c.renderCalendar(w, r, http.StatusTooManyRequests, cal, owner, f)
	default:
		c.p.serverError(w, r, c.p.view(r, ""), err)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bookingView fills the booking page and the cancellation pages.
type bookingView struct {
	Booking   *appointments.Booking
	Calendar  *appointments.Calendar
	Day, Time string
	ICS       string
	Cancelled bool
	Action    string // cancellation form
	Done      bool   // just cancelled
	Invalid   bool   // the link is used or unknown
}

func (c *counsellingPages) bookingView(r *http.Request, b *appointments.Booking, cal *appointments.Calendar) (bookingView, error) {
	lb, err := c.csLabels(r)
	if err != nil {
		return bookingView{}, err
	}
	return bookingView{Booking: b, Calendar: cal, Day: lb.day(b.StartsAt), Time: lb.clock(b.StartsAt) + "–" + lb.clock(b.EndsAt),
		Cancelled: b.CancelledAt != nil}, nil
}

// bookingPage shows a booking by the secret of its page.
func (c *counsellingPages) bookingPage(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	token := r.PathValue("token")
	b, cal, err := c.appts.BookingByPageToken(r.Context(), token)
	if errors.Is(err, tenant.ErrTokenInvalid) || !st.site.Local {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	var d bookingView
	if err == nil {
		d, err = c.bookingView(r, b, cal)
	}
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	d.ICS = st.site.Prefix + "/termine/buchung/" + token + "/termin.ics"
	v := c.p.view(r, c.p.cat(r).T("appointment.booked.title"))
	v.Data = d
	c.p.render(w, r, http.StatusOK, "beratung-buchung", v, private)
}

// ics sends the booking's calendar file.
func (c *counsellingPages) ics(w http.ResponseWriter, r *http.Request) {
	b, cal, err := c.appts.BookingByPageToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, tenant.ErrTokenInvalid) {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	download.Write(w, "text/calendar; charset=utf-8", "termin.ics", c.appts.ICS(b, cal))
}

// cancelForm asks before cancelling with the single-use link.
func (c *counsellingPages) cancelForm(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	if !st.site.Local {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	cat := c.p.cat(r)
	d := bookingView{Invalid: true}
	b, cal, err := c.appts.BookingByCancelToken(r.Context(), r.PathValue("token"))
	switch {
	case errors.Is(err, tenant.ErrTokenInvalid):
	case err != nil:
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	default:
		if d, err = c.bookingView(r, b, cal); err != nil {
			c.p.serverError(w, r, c.p.view(r, ""), err)
			return
		}
		d.Invalid = !b.StartsAt.After(c.appts.Now())
		d.Action = st.site.Prefix + "/termine/absagen/" + r.PathValue("token")
	}
	tok, err := c.p.formToken(w, r)
	if err != nil {
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	}
	v := c.p.view(r, cat.T("appointment.cancel.title"))
	v.CSRF = tok
	v.Data = d
	status := http.StatusOK
	if d.Invalid {
		status = http.StatusGone
	}
	c.p.render(w, r, status, "beratung-absagen", v, private)
}

// cancel uses the single-use link.
func (c *counsellingPages) cancel(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	if !st.site.Local {
		c.p.notFound(w, r, c.p.view(r, ""))
		return
	}
	if !c.p.checkForm(w, r) {
		return
	}
	cat := c.p.cat(r)
	b, err := c.appts.CancelByToken(r.Context(), r.PathValue("token"))
	d := bookingView{Invalid: true}
	status := http.StatusGone
	switch {
	case errors.Is(err, tenant.ErrTokenInvalid):
	case err != nil:
		c.p.serverError(w, r, c.p.view(r, ""), err)
		return
	default:
		cal, err := c.appts.Calendar(r.Context(), b.CalendarID)
		if err == nil {
			d, err = c.bookingView(r, b, cal)
		}
		if err != nil {
			c.p.serverError(w, r, c.p.view(r, ""), err)
			return
		}
		d.Done, status = true, http.StatusOK
	}
	v := c.p.view(r, cat.T("appointment.cancel.title"))
	v.Data = d
	c.p.render(w, r, status, "beratung-absagen", v, private)
}
