package counselling

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/phone"
)

// addressRows is how many address rows the entry form offers: the main
// address and two further sites (more through the API or the CSV).
const addressRows = 3

// entryForm keeps the entry form's input: text fields in form.Values,
// checked boxes in Checked ("thema:schuldnerberatung").
type entryForm struct {
	*ui.Form
	Checked map[string]bool
	// hourLines map the intervals of the two hours fields to the form's
	// line numbers, for the messages.
	hourLines map[string][]int
}

// IsChecked reports whether a box of a group is ticked.
func (f *entryForm) IsChecked(group, value string) bool { return f.Checked[group+":"+value] }

// addressRow names the ids of one address row.
type addressRow struct {
	Index                                 int
	Label, Street, Postal, City, Lat, Lon string
	Main                                  bool
}

func addressRowsFor() []addressRow {
	out := make([]addressRow, addressRows)
	for i := range out {
		p := fmt.Sprintf("adr-%d-", i)
		out[i] = addressRow{Index: i, Label: p + "label", Street: p + "street", Postal: p + "postal", City: p + "city", Lat: p + "lat", Lon: p + "lon", Main: i == 0}
	}
	return out
}

// entryFormData fills the entry form page.
type entryFormData struct {
	Centre    *counselling.Centre // nil: a new centre
	Form      *entryForm
	Topics    []counselling.Topic
	Addresses []addressRow
	Parents   []ui.Option
	Review    bool // changes will wait for review
	Problem   string
}

// fillEntryForm puts an entry into the form.
func fillEntryForm(e counselling.Entry) *entryForm {
	f := &entryForm{Form: ui.NewForm(), Checked: map[string]bool{}}
	f.Set("name", e.Name)
	f.Set("provider", e.Provider)
	f.Set("description", e.Description)
	f.Set("serviceArea", strings.Join(e.ServiceArea, ", "))
	f.Set("openingHours", strings.Join(counselling.FormatHours(e.OpeningHours), "\n"))
	f.Set("emergencyHours", strings.Join(counselling.FormatHours(e.EmergencyHours), "\n"))
	f.Set("phone", e.Phone)
	f.Set("email", e.Email)
	f.Set("website", e.Website)
	f.Set("languages", strings.Join(e.Languages, ", "))
	if e.WaitingDays != nil {
		f.Set("waitingDays", strconv.Itoa(*e.WaitingDays))
	}
	if e.Insolvency305 {
		f.Set("insolvency305", "1")
	}
	for _, t := range e.Topics {
		f.Checked["topics:"+t] = true
	}
	for _, a := range e.Accessibility {
		f.Checked["accessibility:"+a] = true
	}
	for _, w := range e.Ways {
		f.Checked["ways:"+w] = true
	}
	num := func(v float64) string { return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1) }
	for i, row := range addressRowsFor() {
		if i >= len(e.Addresses) {
			break
		}
		a := e.Addresses[i]
		f.Set(row.Label, a.Label)
		f.Set(row.Street, a.Street)
		f.Set(row.Postal, a.PostalCode)
		f.Set(row.City, a.City)
		f.Set(row.Lat, num(a.Lat))
		f.Set(row.Lon, num(a.Lon))
	}
	return f
}

// splitList splits "de, en ar" into items.
var listSep = regexp.MustCompile(`[\s,;|]+`)

func splitList(s string) []string {
	var out []string
	for _, p := range listSep.Split(strings.TrimSpace(s), -1) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readEntryForm reads the posted form into an entry and the form. Input
// it cannot parse is recorded on the form; the store checks the rest.
// Addresses beyond the form's rows are kept from keep.
func readEntryForm(r *http.Request, keep []counselling.Address) (counselling.Entry, *entryForm) {
	f := &entryForm{Form: ui.NewForm(), Checked: map[string]bool{}, hourLines: map[string][]int{}}
	e := counselling.Entry{
		Name: f.Text(r, "name", counselling.MaxNameLen), Provider: f.Text(r, "provider", counselling.MaxNameLen),
		Description: f.LongText(r, "description", counselling.MaxDescriptionLen),
		Phone:       f.Text(r, "phone", phone.MaxLen), Email: f.Text(r, "email", tenant.MaxEmailLen), Website: f.Text(r, "website", 300),
		ServiceArea: splitList(f.Text(r, "serviceArea", 2000)), Languages: splitList(f.Text(r, "languages", 300)),
	}
	for _, group := range []string{"topics", "accessibility", "ways"} {
		for _, v := range r.PostForm[group] {
			if len(v) > 40 {
				continue
			}
			f.Checked[group+":"+v] = true
			switch group {
			case "topics":
				e.Topics = append(e.Topics, v)
			case "accessibility":
				e.Accessibility = append(e.Accessibility, v)
			case "ways":
				e.Ways = append(e.Ways, v)
			}
		}
	}
	if w := f.Text(r, "waitingDays", 4); w != "" {
		if n, err := strconv.Atoi(w); err != nil {
			f.Add("waitingDays", "Bitte geben Sie die Wartezeit als ganze Zahl von Tagen an.")
		} else {
			e.WaitingDays = &n
		}
	}
	if r.PostForm.Get("insolvency305") == "1" {
		e.Insolvency305 = true
		f.Set("insolvency305", "1")
	}
	for _, field := range []string{"openingHours", "emergencyHours"} {
		text := f.LongText(r, field, 4000)
		var list []counselling.Interval
		for i, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			ivs, probs := counselling.ParseHours([]string{line})
			for _, p := range probs {
				f.Add(field, fmt.Sprintf("Zeile %d: %s", i+1, p))
			}
			for _, iv := range ivs {
				list = append(list, iv)
				f.hourLines[field] = append(f.hourLines[field], i+1)
			}
		}
		if field == "openingHours" {
			e.OpeningHours = list
		} else {
			e.EmergencyHours = list
		}
	}
	coord := func(id string) float64 {
		v := f.Text(r, id, 20)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil {
			f.Add(id, "Bitte geben Sie eine Dezimalzahl an, z. B. 51,8957.")
		}
		return n
	}
	for _, row := range addressRowsFor() {
		a := counselling.Address{Street: f.Text(r, row.Street, 200), PostalCode: f.Text(r, row.Postal, 5), City: f.Text(r, row.City, 200),
			Lat: coord(row.Lat), Lon: coord(row.Lon)}
		if !row.Main {
			a.Label = f.Text(r, row.Label, 100)
		}
		if row.Main || a.Street != "" || a.City != "" || a.PostalCode != "" || a.Label != "" || a.Lat != 0 || a.Lon != 0 {
			e.Addresses = append(e.Addresses, a)
		}
	}
	if len(keep) > addressRows {
		e.Addresses = append(e.Addresses, keep[addressRows:]...)
	}
	return e, f
}

var entryField = regexp.MustCompile(`^([a-zA-Z0-9]+)(?:\[(\d+)\])?(?:\.([a-zA-Z]+))?$`)

// StoreErrors puts the store's field errors onto the entry form: list
// fields onto their group, hours with their line number (all problems of
// one field together, since a field shows one message).
func (f *entryForm) StoreErrors(err error) bool {
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) {
		return false
	}
	var order []string
	msgs := map[string][]string{}
	add := func(id, msg string) {
		if _, seen := msgs[id]; !seen {
			order = append(order, id)
		}
		msgs[id] = append(msgs[id], msg)
	}
	for _, e := range fe {
		m := entryField.FindStringSubmatch(e.Field)
		if m == nil {
			add("", ui.FieldText(e))
			continue
		}
		idx, _ := strconv.Atoi(m[2])
		switch m[1] {
		case "name", "provider", "description", "phone", "email", "website", "waitingDays", "insolvency305", "topics", "ways", "accessibility",
			"languages", "serviceArea":
			add(m[1], ui.FieldText(e))
		case "openingHours", "emergencyHours":
			line := ""
			if m[2] != "" && idx < len(f.hourLines[m[1]]) {
				line = fmt.Sprintf("Zeile %d: ", f.hourLines[m[1]][idx])
			}
			add(m[1], line+ui.FieldText(e))
		case "addresses":
			if m[2] == "" || idx >= addressRows {
				add("adr-0-street", ui.FieldText(e))
				continue
			}
			id := map[string]string{"label": "label", "street": "street", "postalCode": "postal", "city": "city", "lat": "lat", "lon": "lon"}[m[3]]
			if id == "" {
				id = "street"
			}
			add(fmt.Sprintf("adr-%d-%s", idx, id), ui.FieldText(e))
		default:
			add("", ui.FieldText(e))
		}
	}
	for _, id := range order {
		if id == "" {
			for _, msg := range msgs[id] {
				f.Add("", msg)
			}
			continue
		}
		f.Add(id, strings.Join(msgs[id], " "))
	}
	return true
}

// renderEntryForm shows the entry form.
func (k *Pages) renderEntryForm(w http.ResponseWriter, r *http.Request, status int, c *counselling.Centre, f *entryForm, problem string) {
	topics, err := k.dir.Topics(r.Context(), false)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	if c != nil { // a deactivated topic still on the entry stays selectable
		all, err := k.dir.Topics(r.Context(), true)
		if err != nil {
			k.ServerError(w, r, err)
			return
		}
		for _, t := range all {
			if !t.Active && slices.Contains(c.Entry.Topics, t.Key) {
				topics = append(topics, t)
			}
		}
	}
	set, err := k.dir.Settings(r.Context())
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	d := entryFormData{Centre: c, Form: f, Topics: topics, Addresses: addressRowsFor(), Problem: problem}
	id := ""
	if c != nil {
		id = c.ID
	}
	d.Review = set.ReviewRequired && (id == "" || !k.Allowed(r, id, counselling.ObjReview, authz.Update))
	title := "Neue Beratungsstelle"
	if c == nil {
		if d.Parents, err = k.parentOptions(r); err != nil {
			k.ServerError(w, r, err)
			return
		}
		if len(d.Parents) == 1 {
			d.Review = d.Review && !k.Allowed(r, d.Parents[0].Value, counselling.ObjReview, authz.Update)
		}
	} else {
		title = "Eintrag bearbeiten"
	}
	if f.Invalid() {
		title = "Fehler: " + title
	}
	k.Render(w, r, status, "beratung-formular", k.page(r, title, "beratung", d))
}

func (k *Pages) NewForm(w http.ResponseWriter, r *http.Request) {
	parents, err := k.parentOptions(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	if len(parents) == 0 {
		k.Forbidden(w, r, "Beratungsstellen legen das Ministerium und die Kommunen an.")
		return
	}
	f := fillEntryForm(counselling.Entry{})
	f.Set("parent", r.URL.Query().Get("unter"))
	f.Checked["ways:on-site"] = true
	f.Set("languages", "de")
	k.renderEntryForm(w, r, http.StatusOK, nil, f, "")
}

func (k *Pages) Create(w http.ResponseWriter, r *http.Request) {
	parents, err := k.parentOptions(r)
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	e, f := readEntryForm(r, nil)
	parent := f.Choice(r, "parent", parents, "Bitte wählen Sie, unter welcher Körperschaft die Beratungsstelle steht.")
	if f.Invalid() {
		k.renderEntryForm(w, r, http.StatusUnprocessableEntity, nil, f, "")
		return
	}
	c, err := k.dir.Create(r.Context(), counselling.CreateInput{ParentID: parent, Entry: e, Direct: k.Allowed(r, parent, counselling.ObjReview, authz.Update)})
	if f.StoreErrors(err) {
		k.renderEntryForm(w, r, http.StatusUnprocessableEntity, nil, f, "")
		return
	}
	if err != nil {
		k.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/beratung/"+c.ID, "angelegt")
}

func (k *Pages) EditForm(w http.ResponseWriter, r *http.Request) {
	c, ok := k.centreAccess(w, r, authz.Update)
	if !ok {
		return
	}
	f := fillEntryForm(c.Entry)
	f.Set("version", strconv.Itoa(c.Version))
	k.renderEntryForm(w, r, http.StatusOK, c, f, "")
}

func (k *Pages) Update(w http.ResponseWriter, r *http.Request) {
	c, ok := k.centreAccess(w, r, authz.Update)
	if !ok {
		return
	}
	e, f := readEntryForm(r, c.Entry.Addresses)
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		k.renderEntryForm(w, r, http.StatusUnprocessableEntity, c, f, "")
		return
	}
	updated, err := k.dir.Update(r.Context(), c.ID, counselling.UpdateInput{Version: version, Entry: e, Direct: k.Allowed(r, c.ID, counselling.ObjReview, authz.Update)})
	switch {
	case f.StoreErrors(err):
		k.renderEntryForm(w, r, http.StatusUnprocessableEntity, c, f, "")
	case errors.Is(err, counselling.ErrUnchanged):
		ui.SeeOther(w, r, "/admin/beratung/"+c.ID, "unveraendert")
	case errors.Is(err, tenant.ErrStaleVersion):
		k.renderEntryForm(w, r, http.StatusConflict, c, f, "Der Eintrag wurde zwischenzeitlich geändert. Bitte laden Sie die Seite neu und übernehmen Sie Ihre Änderungen erneut.")
	case err != nil:
		k.ServerError(w, r, err)
	case updated.State == counselling.StatePending:
		ui.SeeOther(w, r, "/admin/beratung/"+c.ID, "wartet")
	default:
		ui.SeeOther(w, r, "/admin/beratung/"+c.ID, "veroeffentlicht")
	}
}
