package tenant

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/phone"
)

// Kind is what sort of body a tenant is.
type Kind string

// The tenant kinds. A Land has Landkreise, kreisfreie Städte and
// Landesbehörden below it; a Landkreis has Gemeinden; organisations such as
// Beratungsstellen sit below the body whose area they serve.
const (
	KindLand            Kind = "land"
	KindLandkreis       Kind = "landkreis"
	KindKreisfreieStadt Kind = "kreisfreie-stadt"
	KindGemeinde        Kind = "gemeinde"
	KindLandesbehoerde  Kind = "landesbehoerde"
	KindOrganisation    Kind = "organisation"
)

// Kinds lists every tenant kind in the order the console offers them.
var Kinds = []Kind{KindLand, KindLandkreis, KindKreisfreieStadt, KindGemeinde, KindLandesbehoerde, KindOrganisation}

// Label is the German name of a kind.
func (k Kind) Label() string {
	switch k {
	case KindLand:
		return "Land"
	case KindLandkreis:
		return "Landkreis"
	case KindKreisfreieStadt:
		return "Kreisfreie Stadt"
	case KindGemeinde:
		return "Gemeinde"
	case KindLandesbehoerde:
		return "Landesbehörde"
	case KindOrganisation:
		return "Organisation"
	}
	return string(k)
}

// allowedParents says below which kinds a kind may be placed; nil means it is
// a root.
var allowedParents = map[Kind][]Kind{
	KindLand:            nil,
	KindLandkreis:       {KindLand},
	KindKreisfreieStadt: {KindLand},
	KindGemeinde:        {KindLandkreis},
	KindLandesbehoerde:  {KindLand},
	KindOrganisation:    {KindLand, KindLandkreis, KindKreisfreieStadt, KindGemeinde},
}

// Contact is a contact person of a tenant.
type Contact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Tenant is a public body or organisation that uses the platform.
type Tenant struct {
	ID              string    `bun:"id,pk" json:"id"`
	ParentID        *string   `bun:"parent_id" json:"parentId,omitempty"`
	Kind            Kind      `bun:"kind" json:"kind"`
	Name            string    `bun:"name" json:"name"`
	OfficialKey     *string   `bun:"official_key" json:"officialKey,omitempty"`
	Slug            string    `bun:"slug" json:"slug"`
	FunctionMailbox string    `bun:"function_mailbox" json:"functionMailbox"`
	Street          string    `bun:"street" json:"street"`
	PostalCode      string    `bun:"postal_code" json:"postalCode"`
	City            string    `bun:"city" json:"city"`
	Contacts        []Contact `bun:"contacts,type:text" json:"contacts"`
	ITProvider      string    `bun:"it_provider" json:"itProvider"`
	Active          bool      `bun:"active" json:"active"`
	Version         int       `bun:"version" json:"version"`
	CreatedAt       time.Time `bun:"created_at" json:"createdAt"`
	UpdatedAt       time.Time `bun:"updated_at" json:"updatedAt"`
}

// Key returns the official key or "".
func (t *Tenant) Key() string {
	if t.OfficialKey == nil {
		return ""
	}
	return *t.OfficialKey
}

// Parent returns the parent's ID or "".
func (t *Tenant) Parent() string {
	if t.ParentID == nil {
		return ""
	}
	return *t.ParentID
}

// Field length limits, shared by the API schema and the console forms.
const (
	MaxNameLen    = 200
	MaxTextLen    = 200
	MaxEmailLen   = 254
	MaxContacts   = 20
	MaxPostalCode = 5
)

var postalCodePattern = regexp.MustCompile(`^[0-9]{5}$`)

// validate checks a tenant's own fields (not its place in the tree).
func (t *Tenant) validate() error {
	var errs FieldErrors
	if !slices.Contains(Kinds, t.Kind) {
		errs.Add("kind", "unbekannte Art %q", t.Kind)
	}
	t.Name = strings.TrimSpace(t.Name)
	switch {
	case t.Name == "":
		errs.Add("name", "Bitte geben Sie einen Namen an.")
	case utf8.RuneCountInString(t.Name) > MaxNameLen:
		errs.Add("name", "Der Name ist länger als %d Zeichen.", MaxNameLen)
	}
	if t.OfficialKey != nil && strings.TrimSpace(*t.OfficialKey) == "" {
		t.OfficialKey = nil
	}
	if t.OfficialKey != nil {
		k, err := ParseOfficialKey(*t.OfficialKey)
		if err != nil {
			errs.Add("officialKey", "%s", err.Error())
		} else if !slices.Contains(keyLengths(t.Kind), len(k)) {
			errs.Add("officialKey", "Eine Körperschaft der Art %s hat einen Schlüssel mit %v Ziffern.", t.Kind.Label(), keyLengths(t.Kind))
		} else {
			t.OfficialKey = &k
		}
	} else if t.Kind == KindLand || t.Kind == KindLandkreis || t.Kind == KindKreisfreieStadt || t.Kind == KindGemeinde {
		errs.Add("officialKey", "Eine Körperschaft der Art %s braucht einen amtlichen Schlüssel.", t.Kind.Label())
	}
	if t.Slug != "" {
		if err := CheckIdentifier(t.Slug); err != nil || !slugPattern.MatchString(t.Slug) {
			errs.Add("slug", "Der Kurzname darf nur Kleinbuchstaben, Ziffern und Bindestriche enthalten.")
		}
	}
	if t.FunctionMailbox != "" {
		if err := checkMailbox(t.FunctionMailbox); err != nil {
			errs.Add("functionMailbox", "%s", err.Error())
		}
	}
	if t.PostalCode != "" && !postalCodePattern.MatchString(t.PostalCode) {
		errs.Append(i18n.Coded("postalCode", i18n.CodePostcode, nil))
	}
	for field, v := range map[string]string{"street": t.Street, "city": t.City, "itProvider": t.ITProvider} {
		if utf8.RuneCountInString(v) > MaxTextLen {
			errs.Append(i18n.Coded(field, i18n.CodeMaxLength, map[string]any{"max": MaxTextLen}))
		}
	}
	if len(t.Contacts) > MaxContacts {
		errs.Add("contacts", "Höchstens %d Ansprechpersonen.", MaxContacts)
	}
	for i := range t.Contacts {
		c := &t.Contacts[i]
		phone.Check(&errs, fmt.Sprintf("contacts[%d].phone", i), &c.Phone)
		if strings.TrimSpace(c.Name) == "" {
			errs.Add(fmt.Sprintf("contacts[%d].name", i), "Bitte geben Sie den Namen der Ansprechperson an.")
		}
		if c.Email != "" {
			if _, err := mail.ParseAddress(c.Email); err != nil {
				errs.Add(fmt.Sprintf("contacts[%d].email", i), "Keine gültige E-Mail-Adresse.")
			}
		}
	}
	if t.Contacts == nil {
		t.Contacts = []Contact{}
	}
	return errs.Err()
}

// checkMailbox validates an e-mail address used as a function mailbox.
func checkMailbox(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || len(addr) > MaxEmailLen {
		return fmt.Errorf("keine gültige E-Mail-Adresse")
	}
	return nil
}

// ChildKinds lists the kinds that may be placed below a tenant of kind k,
// in the order of Kinds.
func (k Kind) ChildKinds() []Kind {
	var out []Kind
	for _, child := range Kinds {
		if slices.Contains(allowedParents[child], k) {
			out = append(out, child)
		}
	}
	return out
}
