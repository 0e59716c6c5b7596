package onboarding

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"sozialplattform/tenant"
)

// Transport holds a case's connection parameters, the municipality's
// part of the routing data. Which fields count depends on the variant:
// 1 needs the DVDV Behördenkennung (the intermediary's address and
// certificate come from the DVDV entry the ministry keeps – one source),
// 2 the mailbox users, 3 the DestinationID (its encryption key comes from
// the destination itself, its service identifier from the catalogue).
type Transport struct {
	DVDVKennung   string   `json:"dvdvKennung,omitempty" maxLength:"80" doc:"DVDV-Behördenkennung in der Form präfix:schlüssel, z. B. sop:050000100099 (Variante 1); Adresse und Zertifikat des Intermediärs stehen im DVDV-Verzeichnis"`
	DestinationID string   `json:"destinationId,omitempty" maxLength:"36" doc:"FIT-Connect-Zustellpunkt (UUID, Variante 3); den Verschlüsselungsschlüssel holt die Plattform vom Zustellpunkt"`
	MailboxUsers  []string `json:"mailboxUsers,omitempty" maxItems:"50" doc:"E-Mail-Adressen der Benutzer, die das Postfach abholen (Variante 2)"`
	// Key is the encryption key the platform last fetched from the
	// destination and validated (RecordDestinationKey); read-only.
	Key *KeyInfo `json:"key,omitempty" readOnly:"true" doc:"zuletzt vom Zustellpunkt abgerufener und geprüfter Verschlüsselungsschlüssel"`
}

// KeyInfo describes a destination's validated public encryption key.
type KeyInfo struct {
	Kid        string    `json:"kid" doc:"Schlüssel-ID beim Zustellpunkt"`
	Bits       int       `json:"bits"`
	Subject    string    `json:"subject,omitempty"`
	Issuer     string    `json:"issuer,omitempty"`
	NotBefore  time.Time `json:"notBefore"`
	NotAfter   time.Time `json:"notAfter" doc:"Ablauf des Zertifikats"`
	Thumbprint string    `json:"thumbprint" doc:"SHA-256-Fingerabdruck des Zertifikats"`
	FetchedAt  time.Time `json:"fetchedAt" doc:"wann die Plattform den Schlüssel vom Zustellpunkt abgerufen hat"`
}

// MinRSABits is the shortest RSA key FIT-Connect accepts for encryption.
const MinRSABits = 4096

// maxKeyText caps the encryption key text.
const maxKeyText = 64 << 10

var (
	dvdvPattern = regexp.MustCompile(`^[a-z][a-z0-9]{1,9}:[A-Za-z0-9][A-Za-z0-9._-]{2,63}$`)
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// CheckDVDVKennung validates a DVDV Behördenkennung "präfix:schlüssel".
func CheckDVDVKennung(s string) error {
	if !dvdvPattern.MatchString(s) {
		return errors.New("Die DVDV-Behördenkennung hat die Form präfix:schlüssel, z. B. sop:050000100099 (Präfix aus Kleinbuchstaben, dann ein Doppelpunkt und die Kennung).")
	}
	return nil
}

// CheckEndpointURL validates the address of an intermediary or XTA2
// server: absolute https with a host, no credentials, no fragment.
func CheckEndpointURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return errors.New("Bitte geben Sie eine vollständige Adresse an, z. B. https://intermediaer.example.de/osci.")
	case u.Scheme != "https":
		return errors.New("Die Adresse muss mit https:// beginnen; unverschlüsselte Verbindungen sind nicht zulässig.")
	case u.User != nil:
		return errors.New("Die Adresse darf keine Zugangsdaten enthalten.")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("Die Adresse darf keinen Anker (#…) enthalten.")
	case strings.ContainsAny(s, " \t\r\n"):
		return errors.New("Die Adresse darf keine Leerzeichen enthalten.")
	}
	return nil
}

// CheckDestinationID validates a FIT-Connect DestinationID (a UUID in
// canonical form).
func CheckDestinationID(s string) error {
	if !uuidPattern.MatchString(s) {
		return errors.New("Die DestinationID ist eine UUID der Form 8-4-4-4-12 Hexadezimalziffern, z. B. 7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f.")
	}
	return nil
}

// normalize trims the fields and lower-cases the DestinationID.
func (t *Transport) normalize() {
	t.DVDVKennung = strings.TrimSpace(t.DVDVKennung)
	t.DestinationID = strings.ToLower(strings.TrimSpace(t.DestinationID))
	users := make([]string, 0, len(t.MailboxUsers))
	for _, u := range t.MailboxUsers {
		if u = strings.ToLower(strings.TrimSpace(u)); u != "" {
			users = append(users, u)
		}
	}
	t.MailboxUsers = users
}

// Validate checks the format of every field that is filled in. It does
// not ask for completeness: a case may be
// saved half done; Missing says what is still needed. Field names are
// prefixed with "transport.".
func (t *Transport) Validate(now time.Time) tenant.FieldErrors {
	t.normalize()
	var errs tenant.FieldErrors
	if t.DVDVKennung != "" {
		if err := CheckDVDVKennung(t.DVDVKennung); err != nil {
			errs.Add("transport.dvdvKennung", "%s", err.Error())
		}
	}
	if t.DestinationID != "" {
		if err := CheckDestinationID(t.DestinationID); err != nil {
			errs.Add("transport.destinationId", "%s", err.Error())
		}
	}
	seen := map[string]bool{}
	for i, u := range t.MailboxUsers {
		a, err := mail.ParseAddress(u)
		switch {
		case err != nil || a.Address != u:
			errs.Add(fmt.Sprintf("transport.mailboxUsers[%d]", i), "%q ist keine gültige E-Mail-Adresse.", u)
		case seen[u]:
			errs.Add(fmt.Sprintf("transport.mailboxUsers[%d]", i), "%s ist doppelt genannt.", u)
		}
		seen[u] = true
	}
	return errs
}

// Missing lists, in German, the transport parameters the variant still
// needs.
func (t Transport) Missing(v Variant) []string {
	var out []string
	switch v {
	case VariantOSCIXTA2:
		if t.DVDVKennung == "" {
			out = append(out, "DVDV-Behördenkennung")
		}
	case VariantOSCIClient:
		if len(t.MailboxUsers) == 0 {
			out = append(out, "mindestens eine Postfach-Benutzerin oder ein Postfach-Benutzer")
		}
	case VariantFITConnect:
		if t.DestinationID == "" {
			out = append(out, "DestinationID des Zustellpunkts")
		}
	}
	return out
}
