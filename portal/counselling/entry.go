package counselling

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"sozialplattform/tenant"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/phone"
)

// Address is a place where the centre counsels, with its coordinates
// (WGS 84, decimal degrees).
type Address struct {
	Label      string  `json:"label,omitempty" maxLength:"100" doc:"Bezeichnung, z. B. „Außenstelle Quedlinburg“"`
	Street     string  `json:"street" maxLength:"200"`
	PostalCode string  `json:"postalCode" pattern:"^[0-9]{5}$"`
	City       string  `json:"city" maxLength:"200"`
	Lat        float64 `json:"lat" doc:"Breitengrad (WGS 84)"`
	Lon        float64 `json:"lon" doc:"Längengrad (WGS 84)"`
}

// Line is the address in one line: "Friedrich-Ebert-Straße 42, 38820 Halberstadt".
func (a Address) Line() string {
	s := a.Street
	if a.PostalCode != "" || a.City != "" {
		if s != "" {
			s += ", "
		}
		s += strings.TrimSpace(a.PostalCode + " " + a.City)
	}
	return s
}

// Entry is the content of a Beratungsstelle's directory entry: what one
// version holds.
type Entry struct {
	Name           string     `json:"name" maxLength:"200"`
	Provider       string     `json:"provider" maxLength:"200" doc:"Träger, z. B. Diakonisches Werk im Kirchenkreis Halberstadt e. V."`
	Description    string     `required:"false" json:"description,omitempty" maxLength:"1000" doc:"kurze Beschreibung des Angebots"`
	Topics         []string   `json:"topics" doc:"Schlüssel der Themen (GET /v1/counselling-topics)"`
	Addresses      []Address  `json:"addresses" doc:"Standorte; der erste ist der Hauptsitz"`
	ServiceArea    []string   `required:"false" json:"serviceArea" doc:"Einzugsgebiet als amtliche Schlüssel (Kreis 5, Gemeinde 8 Ziffern)"`
	OpeningHours   []Interval `required:"false" json:"openingHours"`
	EmergencyHours []Interval `required:"false" json:"emergencyHours" doc:"Notdienst- oder Krisenzeiten"`
	Phone          string     `json:"phone,omitempty" maxLength:"40"`
	Email          string     `json:"email,omitempty" maxLength:"254"`
	Website        string     `json:"website,omitempty" maxLength:"300" doc:"https-Adresse"`
	Languages      []string   `required:"false" json:"languages" doc:"Beratungssprachen als ISO-639-1-Codes (de, en, ar …)"`
	Accessibility  []string   `required:"false" json:"accessibility" doc:"step-free, accessible-toilet, hearing-loop, sign-language, easy-language, tactile-guidance, disabled-parking"`
	Ways           []string   `json:"ways" doc:"on-site, phone, video, chat, home-visit"`
	// WaitingDays is the current waiting time for a first appointment in
	// days; nil = not stated, 0 = none.
	WaitingDays *int `json:"waitingDays,omitempty" minimum:"0" maximum:"365" doc:"aktuelle Wartezeit auf einen Ersttermin in Tagen; 0 = keine"`
	// Insolvency305 marks a recognised insolvency counselling centre
	// (geeignete Stelle nach § 305 Abs. 1 Nr. 1 InsO).
	Insolvency305 bool `required:"false" json:"insolvency305" doc:"anerkannte Stelle für Verbraucherinsolvenzberatung nach § 305 InsO"`
}

// Limits of an entry.
const (
	MaxNameLen        = 200
	MaxDescriptionLen = 1000
	MaxAddresses      = 10
	MaxAreaKeys       = 100
	MaxIntervals      = 42
	MaxListItems      = 40
)

// Germany's bounding box with a little margin: coordinates outside it are
// refused as implausible for a centre in the directory.
const (
	minLat, maxLat = 47.2, 55.1
	minLon, maxLon = 5.8, 15.1
)

var postalCode = regexp.MustCompile(`^[0-9]{5}$`)

// Normalize trims the entry's text, drops empty and duplicate list items
// and sorts the hours; Validate calls it.
func (e *Entry) Normalize() {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	trim(&e.Name)
	trim(&e.Provider)
	e.Description = strings.TrimSpace(strings.ReplaceAll(e.Description, "\r\n", "\n"))
	trim(&e.Phone)
	e.Email = strings.ToLower(strings.TrimSpace(e.Email))
	trim(&e.Website)
	list := func(in []string, lower bool) []string {
		out := []string{}
		for _, s := range in {
			s = strings.TrimSpace(s)
			if lower {
				s = strings.ToLower(s)
			}
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	e.Topics = list(e.Topics, true)
	e.Languages = list(e.Languages, true)
	e.Accessibility = list(e.Accessibility, true)
	e.Ways = list(e.Ways, true)
	area := []string{}
	for _, k := range e.ServiceArea {
		k = strings.Join(strings.Fields(k), "")
		if k != "" && !slices.Contains(area, k) {
			area = append(area, k)
		}
	}
	e.ServiceArea = area
	for i := range e.Addresses {
		a := &e.Addresses[i]
		trim(&a.Label)
		trim(&a.Street)
		trim(&a.PostalCode)
		trim(&a.City)
	}
	if e.Addresses == nil {
		e.Addresses = []Address{}
	}
	if e.OpeningHours == nil {
		e.OpeningHours = []Interval{}
	}
	if e.EmergencyHours == nil {
		e.EmergencyHours = []Interval{}
	}
}

// Validate checks the entry against the topic keys the taxonomy offers and
// returns tenant.FieldErrors naming the fields in the API's JSON names
// ("addresses[0].lat", "openingHours[2].to"). It normalises the entry
// first.
func (e *Entry) Validate(topics []string) error {
	e.Normalize()
	var errs tenant.FieldErrors
	text := func(field, v string, max int, required bool, what string) {
		switch {
		case v == "" && required:
			errs.Add(field, "Bitte geben Sie %s an.", what)
		case utf8.RuneCountInString(v) > max:
			errs.Append(i18n.Coded(field, i18n.CodeMaxLength, map[string]any{"max": max}))
		case strings.ContainsFunc(v, unicode.IsControl):
			errs.Append(i18n.Coded(field, i18n.CodeControlChars, nil))
		}
	}
	text("name", e.Name, MaxNameLen, true, "den Namen der Beratungsstelle")
	text("provider", e.Provider, MaxNameLen, true, "den Träger")
	if utf8.RuneCountInString(e.Description) > MaxDescriptionLen {
		errs.Append(i18n.Coded("description", i18n.CodeMaxLength, map[string]any{"max": MaxDescriptionLen}))
	} else if strings.ContainsFunc(e.Description, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		errs.Append(i18n.Coded("description", i18n.CodeControlChars, nil))
	}

	if len(e.Topics) == 0 {
		errs.Add("topics", "Bitte wählen Sie mindestens ein Thema.")
	}
	for i, t := range e.Topics {
		if !slices.Contains(topics, t) {
			errs.Add(fmt.Sprintf("topics[%d]", i), "Unbekanntes Thema %q.", t)
		}
	}
	if e.Insolvency305 && !slices.Contains(e.Topics, TopicDebt) {
		errs.Add("insolvency305", "Eine Anerkennung nach § 305 InsO setzt das Thema Schuldner- und Insolvenzberatung voraus.")
	}

	switch {
	case len(e.Addresses) == 0:
		errs.Add("addresses", "Bitte geben Sie mindestens eine Adresse mit Koordinaten an.")
	case len(e.Addresses) > MaxAddresses:
		errs.Add("addresses", "Höchstens %d Adressen.", MaxAddresses)
	}
	for i, a := range e.Addresses {
		f := fmt.Sprintf("addresses[%d]", i)
		text(f+".label", a.Label, 100, false, "")
		if i == 0 && a.Label != "" {
			errs.Add(f+".label", "Der Hauptsitz hat keine eigene Bezeichnung; Bezeichnungen gelten für weitere Standorte.")
		}
		text(f+".street", a.Street, 200, true, "Straße und Hausnummer")
		text(f+".city", a.City, 200, true, "den Ort")
		for _, p := range []struct{ field, v string }{{".label", a.Label}, {".street", a.Street}, {".city", a.City}} {
			if strings.Contains(p.v, "|") {
				errs.Add(f+p.field, "Das Zeichen „|“ ist hier nicht erlaubt.")
			}
		}
		if !postalCode.MatchString(a.PostalCode) {
			errs.Append(i18n.Coded(f+".postalCode", i18n.CodePostcode, nil))
		}
		checkCoordinates(&errs, f, a.Lat, a.Lon)
	}

	if len(e.ServiceArea) > MaxAreaKeys {
		errs.Add("serviceArea", "Höchstens %d Gebiete.", MaxAreaKeys)
	}
	for i, k := range e.ServiceArea {
		key, err := tenant.ParseOfficialKey(k)
		if err != nil {
			errs.Add(fmt.Sprintf("serviceArea[%d]", i), "%s.", sentence(err.Error()))
			continue
		}
		e.ServiceArea[i] = key
	}

	if len(e.OpeningHours) > MaxIntervals {
		errs.Add("openingHours", "Höchstens %d Zeiten.", MaxIntervals)
	}
	if len(e.EmergencyHours) > MaxIntervals {
		errs.Add("emergencyHours", "Höchstens %d Zeiten.", MaxIntervals)
	}
	e.OpeningHours = ValidateHours(&errs, "openingHours", e.OpeningHours)
	e.EmergencyHours = ValidateHours(&errs, "emergencyHours", e.EmergencyHours)

	phone.Check(&errs, "phone", &e.Phone)
	if e.Email != "" {
		if a, err := mail.ParseAddress(e.Email); err != nil || a.Address != e.Email || len(e.Email) > tenant.MaxEmailLen {
			errs.Add("email", "Keine gültige E-Mail-Adresse.")
		}
	}
	if e.Phone == "" && e.Email == "" {
		errs.Add("phone", "Bitte geben Sie eine Telefonnummer oder eine E-Mail-Adresse an.")
	}
	if e.Website != "" {
		u, err := url.Parse(e.Website)
		switch {
		case err != nil || u.Host == "" || u.User != nil || len(e.Website) > 300:
			errs.Add("website", "Keine gültige Internetadresse.")
		case u.Scheme != "https":
			errs.Add("website", "Die Internetadresse muss mit https:// beginnen.")
		}
	}

	if len(e.Languages) > MaxListItems {
		errs.Add("languages", "Höchstens %d Sprachen.", MaxListItems)
	}
	for i, l := range e.Languages {
		if !ValidLanguage(l) {
			errs.Add(fmt.Sprintf("languages[%d]", i), "%q ist kein Sprachcode nach ISO 639-1 (zwei Buchstaben, z. B. de, en, ar).", l)
		}
	}
	for i, a := range e.Accessibility {
		if !knownTerm(Accessibility, a) {
			errs.Add(fmt.Sprintf("accessibility[%d]", i), "Unbekanntes Merkmal der Barrierefreiheit %q.", a)
		}
	}
	if len(e.Ways) == 0 {
		errs.Add("ways", "Bitte wählen Sie mindestens einen Beratungsweg.")
	}
	for i, w := range e.Ways {
		if !knownTerm(Ways, w) {
			errs.Add(fmt.Sprintf("ways[%d]", i), "Unbekannter Beratungsweg %q.", w)
		}
	}
	if e.WaitingDays != nil && (*e.WaitingDays < 0 || *e.WaitingDays > 365) {
		errs.Add("waitingDays", "Bitte geben Sie die Wartezeit in Tagen zwischen 0 und 365 an.")
	}
	return errs.Err()
}

// checkCoordinates refuses coordinates out of range or outside Germany,
// and says so when latitude and longitude look swapped.
func checkCoordinates(errs *tenant.FieldErrors, field string, lat, lon float64) {
	switch {
	case math.IsNaN(lat) || lat < -90 || lat > 90:
		errs.Add(field+".lat", "Der Breitengrad muss zwischen -90 und 90 liegen.")
		return
	case math.IsNaN(lon) || lon < -180 || lon > 180:
		errs.Add(field+".lon", "Der Längengrad muss zwischen -180 und 180 liegen.")
		return
	case lat == 0 && lon == 0:
		errs.Add(field+".lat", "Bitte geben Sie die Koordinaten der Adresse an.")
		return
	}
	if lat < minLat || lat > maxLat || lon < minLon || lon > maxLon {
		if lon >= minLat && lon <= maxLat && lat >= minLon && lat <= maxLon {
			errs.Add(field+".lat", "Die Koordinaten liegen nicht in Deutschland – sind Breite und Länge vertauscht?")
			return
		}
		errs.Add(field+".lat", "Die Koordinaten %.4f, %.4f liegen nicht in Deutschland.", lat, lon)
	}
}

// sentence upper-cases the first letter of a store message.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
