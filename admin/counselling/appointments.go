package counselling

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// calendarItem is a calendar with its tenant's name.
type calendarItem struct {
	Calendar   appointments.Calendar
	TenantName string
	CanEdit    bool
}

// CalendarsPage lists the calendars the person may see and where it may
// add one.
func (k *Pages) CalendarsPage(w http.ResponseWriter, r *http.Request) {
	ids := k.Authz.Tenants(principal(r), appointments.ObjAppointment, authz.Read)
	cals, err := k.appts.Calendars(r.Context(), ids, false)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	ts, err := k.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	items := make([]calendarItem, len(cals))
	for i, c := range cals {
		items[i] = calendarItem{Calendar: c, TenantName: names[c.TenantID], CanEdit: k.Allowed(r, c.TenantID, appointments.ObjAppointment, authz.Update)}
	}
	owners, err := k.calendarOwners(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	k.Render(w, r, http.StatusOK, "beratung-termine", k.page(r, "Online-Terminvereinbarung", "beratung", struct {
		Items  []calendarItem
		Owners []ui.Option
	}{items, owners}))
}

// calendarOwners are the tenants for which the person may create
// calendars: Beratungsstellen and municipal bodies, not the Land.
func (k *Pages) calendarOwners(r *http.Request) ([]ui.Option, error) {
	ids := k.Authz.Tenants(principal(r), appointments.ObjAppointment, authz.Create)
	ts, err := k.Store.ListTenants(r.Context(), tenant.TenantFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	var out []ui.Option
	for _, t := range ts {
		if t.Kind == tenant.KindLand || !t.Active {
			continue
		}
		out = append(out, ui.Option{Value: t.ID, Label: t.Name})
	}
	return out, nil
}

// calendarAccess loads the calendar of the path's {cid} for act.
func (k *Pages) calendarAccess(w http.ResponseWriter, r *http.Request, act string) (*appointments.Calendar, bool) {
	id := r.PathValue("cid")
	if id == "" || len(id) > 64 {
		k.NotFound(w, r)
		return nil, false
	}
	c, err := k.appts.Calendar(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !k.Allowed(r, c.TenantID, appointments.ObjAppointment, authz.Read)) {
		k.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		k.ServerError(w, r, err)
		return nil, false
	}
	if !k.Allowed(r, c.TenantID, appointments.ObjAppointment, act) {
		k.Forbidden(w, r, "Diesen Kalender dürfen Sie nur ansehen.")
		return nil, false
	}
	return c, true
}

// BookingsPage shows a calendar's coming bookings with the cancel forms.
func (k *Pages) BookingsPage(w http.ResponseWriter, r *http.Request) {
	c, ok := k.calendarAccess(w, r, authz.Read)
	if !ok {
		return
	}
	now := k.appts.Now().In(k.Loc)
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, k.Loc)
	bs, err := k.appts.Bookings(r.Context(), appointments.BookingFilter{CalendarIDs: []string{c.ID}, From: from, IncludeCancelled: r.URL.Query().Get("abgesagte") == "1"})
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	free := 0
	if slots, err := k.appts.Slots(r.Context(), c, now, now.AddDate(0, 0, 14)); err == nil {
		for _, s := range slots {
			if s.Free {
				free++
			}
		}
	}
	k.Render(w, r, http.StatusOK, "beratung-buchungen", k.page(r, "Buchungen: "+c.Name, "beratung", struct {
		Calendar  *appointments.Calendar
		Bookings  []appointments.Booking
		CanEdit   bool
		Cancelled bool
		Free      int
		Retain    int
	}{c, bs, k.Allowed(r, c.TenantID, appointments.ObjAppointment, authz.Update), r.URL.Query().Get("abgesagte") == "1", free, k.appts.RetainDays()}))
}

func (k *Pages) CancelBooking(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("bid")
	b, err := k.appts.GetBooking(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) || (err == nil && !k.Allowed(r, b.TenantID, appointments.ObjAppointment, authz.Read)) {
		k.NotFound(w, r)
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	if !k.Allowed(r, b.TenantID, appointments.ObjAppointment, authz.Update) {
		k.Forbidden(w, r, "")
		return
	}
	if !k.Confirmed(w, r, ui.Confirmation{Heading: "Termin absagen?",
		Text:   "Der Termin am " + k.FormatTime(b.StartsAt) + " wird abgesagt; die Person, die ihn gebucht hat, erhält eine E-Mail.",
		Button: "Ja, Termin absagen", Back: "/admin/termine/" + b.CalendarID}) {
		return
	}
	_, err = k.appts.Cancel(r.Context(), b.ID, r.PostForm.Get("nachricht"))
	back := "/admin/termine/" + b.CalendarID
	var fe tenant.FieldErrors
	switch {
	case errors.As(err, &fe):
		k.ErrorPage(w, r, http.StatusUnprocessableEntity, "Nicht abgesagt", ui.ErrorData{Heading: "Nicht abgesagt", Text: fe.For("note"), Back: back, BackTo: "Zurück"})
	case errors.Is(err, appointments.ErrAlreadyCancelled):
		k.ErrorPage(w, r, http.StatusConflict, "Bereits abgesagt", ui.ErrorData{Heading: "Bereits abgesagt", Text: "Dieser Termin ist bereits abgesagt.", Back: back, BackTo: "Zurück"})
	case err != nil:
		k.ServerError(w, r, err)
	default:
		ui.SeeOther(w, r, back, "abgesagt")
	}
}

// calendarFormData fills the calendar form.
type calendarFormData struct {
	Calendar *appointments.Calendar // nil: new
	Form     *ui.Form
	Owners   []ui.Option
}

func fillCalendarForm(c appointments.Calendar) *ui.Form {
	f := ui.NewForm()
	f.Set("name", c.Name)
	f.Set("location", c.Location)
	f.Set("slotMinutes", strconv.Itoa(c.SlotMinutes))
	f.Set("availability", strings.Join(counselling.FormatHours(c.Availability), "\n"))
	var xs []string
	for _, x := range c.Exceptions {
		line := germanDate(x.From)
		if x.To != "" && x.To != x.From {
			line += "-" + germanDate(x.To)
		}
		if x.Note != "" {
			line += " " + x.Note
		}
		xs = append(xs, line)
	}
	f.Set("exceptions", strings.Join(xs, "\n"))
	f.Set("horizonDays", strconv.Itoa(c.HorizonDays))
	f.Set("minNoticeHours", strconv.FormatFloat(float64(c.MinNoticeMinutes)/60, 'f', -1, 64))
	f.Set("notifyEmail", c.NotifyEmail)
	f.Set("version", strconv.Itoa(c.Version))
	if c.Active {
		f.Set("active", "1")
	}
	return f
}

func germanDate(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02.01.2006")
}

var exceptionLine = regexp.MustCompile(`^(\d{1,2}\.\d{1,2}\.\d{4})(?:\s*[-–]\s*(\d{1,2}\.\d{1,2}\.\d{4}))?(?:\s+(.*))?$`)

// readCalendarForm reads the posted calendar form.
func readCalendarForm(r *http.Request) (appointments.CalendarInput, *ui.Form) {
	f := ui.NewForm()
	in := appointments.CalendarInput{Name: f.Text(r, "name", appointments.MaxTextLen), Location: f.Text(r, "location", appointments.MaxTextLen),
		NotifyEmail: f.Text(r, "notifyEmail", tenant.MaxEmailLen), Active: r.PostForm.Get("active") == "1"}
	if in.Active {
		f.Set("active", "1")
	}
	num := func(id string) int {
		v := f.Text(r, id, 8)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(id, "Bitte eine ganze Zahl.")
		}
		return n
	}
	in.SlotMinutes, in.HorizonDays = num("slotMinutes"), num("horizonDays")
	if h := f.Text(r, "minNoticeHours", 8); h != "" {
		v, err := strconv.ParseFloat(strings.Replace(h, ",", ".", 1), 64)
		if err != nil || v < 0 {
			f.Add("minNoticeHours", "Bitte eine Zahl von Stunden, z. B. 2 oder 0,5.")
		}
		in.MinNoticeMinutes = int(v * 60)
	}
	lines := strings.Split(f.LongText(r, "availability", 4000), "\n")
	ivs, probs := counselling.ParseHours(lines)
	for _, p := range probs {
		f.Add("availability", p)
	}
	in.Availability = ivs
	for i, line := range strings.Split(f.LongText(r, "exceptions", 8000), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m := exceptionLine.FindStringSubmatch(line)
		if m == nil {
			f.Add("exceptions", fmt.Sprintf("Zeile %d: %q hat nicht die Form „24.12.2026-01.01.2027 Betriebsferien“.", i+1, line))
			continue
		}
		iso := func(s string) string {
			t, err := time.Parse("2.1.2006", s)
			if err != nil {
				f.Add("exceptions", fmt.Sprintf("Zeile %d: %s ist kein Datum.", i+1, s))
				return ""
			}
			return t.Format("2006-01-02")
		}
		x := appointments.Exception{From: iso(m[1]), Note: strings.TrimSpace(m[3])}
		if m[2] != "" {
			x.To = iso(m[2])
		}
		in.Exceptions = append(in.Exceptions, x)
	}
	return in, f
}

var calendarIDs = ui.SameIDs("name", "location", "slotMinutes", "horizonDays", "notifyEmail", "availability", "exceptions")

// calendarFormID maps the store's fields ("availability[2].to") to the
// form's ids.
func calendarFormID(field string) string {
	base, _, _ := strings.Cut(field, "[")
	base, _, _ = strings.Cut(base, ".")
	if base == "minNoticeMinutes" {
		return "minNoticeHours"
	}
	return calendarIDs(base)
}

func (k *Pages) renderCalendarForm(w http.ResponseWriter, r *http.Request, status int, c *appointments.Calendar, f *ui.Form) {
	d := calendarFormData{Calendar: c, Form: f}
	title := "Terminkalender bearbeiten"
	if c == nil {
		owners, err := k.calendarOwners(r)
		if err != nil {
			k.ServerError(w, r, err)
			return
		}
		if len(owners) == 0 {
			k.Forbidden(w, r, "Terminkalender legen Beratungsstellen und Kommunen für sich an.")
			return
		}
		d.Owners, title = owners, "Neuer Terminkalender"
	}
	if f.Invalid() {
		title = "Fehler: " + title
	}
	k.Render(w, r, status, "beratung-kalender", k.page(r, title, "beratung", d))
}

func (k *Pages) NewCalendarForm(w http.ResponseWriter, r *http.Request) {
	f := fillCalendarForm(appointments.Calendar{SlotMinutes: 45, HorizonDays: 42, MinNoticeMinutes: 120, Active: true,
		Availability: []counselling.Interval{{Day: "mon", From: "09:00", To: "12:00"}}})
	f.Set("owner", r.URL.Query().Get("fuer"))
	k.renderCalendarForm(w, r, http.StatusOK, nil, f)
}

func (k *Pages) CreateCalendar(w http.ResponseWriter, r *http.Request) {
	owners, err := k.calendarOwners(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	in, f := readCalendarForm(r)
	owner := f.Choice(r, "owner", owners, "Bitte wählen Sie, für wen der Kalender ist.")
	if f.Invalid() {
		k.renderCalendarForm(w, r, http.StatusUnprocessableEntity, nil, f)
		return
	}
	c, err := k.appts.CreateCalendar(r.Context(), owner, in)
	if f.StoreErrors(err, calendarFormID) {
		k.renderCalendarForm(w, r, http.StatusUnprocessableEntity, nil, f)
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/termine/"+c.ID, "kalender")
}

func (k *Pages) EditCalendarForm(w http.ResponseWriter, r *http.Request) {
	c, ok := k.calendarAccess(w, r, authz.Update)
	if !ok {
		return
	}
	k.renderCalendarForm(w, r, http.StatusOK, c, fillCalendarForm(*c))
}

func (k *Pages) UpdateCalendar(w http.ResponseWriter, r *http.Request) {
	c, ok := k.calendarAccess(w, r, authz.Update)
	if !ok {
		return
	}
	in, f := readCalendarForm(r)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		k.renderCalendarForm(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	_, err := k.appts.UpdateCalendar(r.Context(), c.ID, version, in)
	switch {
	case f.StoreErrors(err, calendarFormID):
		k.renderCalendarForm(w, r, http.StatusUnprocessableEntity, c, f)
	case errors.Is(err, tenant.ErrStaleVersion):
		f.Fail("Der Kalender wurde zwischenzeitlich geändert. Bitte laden Sie die Seite neu.")
		k.renderCalendarForm(w, r, http.StatusConflict, c, f)
	case err != nil:
		k.ServerError(w, r, err)
	default:
		ui.SeeOther(w, r, "/admin/termine/"+c.ID, "kalender")
	}
}
