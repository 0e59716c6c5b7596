package onboarding

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"sozialplattform/tenant"
)

// Transport holds a case's connection parameters. Which fields count
// depends on the variant: 1 needs the DVDV Behördenkennung and the
// intermediary (and the XTA2 server when the Fachverfahren fetches from
// one), 2 the mailbox users, 3 the DestinationID and the destination's
// public encryption key.
type Transport struct {
	DVDVKennung     string   `json:"dvdvKennung,omitempty" maxLength:"80" doc:"DVDV-Behördenkennung in der Form präfix:schlüssel, z. B. sop:050000100099 (Variante 1)"`
	IntermediaryURL string   `json:"intermediaryUrl,omitempty" maxLength:"500" doc:"Adresse des OSCI-Intermediärs (https, Variante 1)"`
	XTA2URL         string   `json:"xta2Url,omitempty" maxLength:"500" doc:"Adresse des XTA2-Servers, von dem das Fachverfahren abholt (https, Variante 1, optional)"`
	DestinationID   string   `json:"destinationId,omitempty" maxLength:"36" doc:"FIT-Connect-Zustellpunkt (UUID, Variante 3)"`
	EncryptionKey   string   `json:"encryptionKey,omitempty" maxLength:"65536" doc:"Öffentlicher Verschlüsselungsschlüssel des Zustellpunkts als JWK (mit x5c) oder PEM-Zertifikat; RSA mit mindestens 4096 Bit (Variante 3)"`
	MailboxUsers    []string `json:"mailboxUsers,omitempty" maxItems:"50" doc:"E-Mail-Adressen der Benutzer, die das Postfach abholen (Variante 2)"`
	// Key is what the platform read from EncryptionKey; it is set by the
	// store and ignored in requests.
	Key *KeyInfo `json:"key,omitempty" readOnly:"true"`
}

// KeyInfo describes a validated public encryption key.
type KeyInfo struct {
	Format     string    `json:"format" doc:"jwk oder pem"`
	Bits       int       `json:"bits"`
	Subject    string    `json:"subject,omitempty"`
	Issuer     string    `json:"issuer,omitempty"`
	NotBefore  time.Time `json:"notBefore"`
	NotAfter   time.Time `json:"notAfter" doc:"Ablauf des Zertifikats"`
	Thumbprint string    `json:"thumbprint" doc:"SHA-256 (JWK-Thumbprint nach RFC 7638 bzw. Fingerabdruck des Zertifikats)"`
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

// ParseEncryptionKey reads a destination's public encryption key, given as
// a JWK (JSON, with x5c) or as a PEM certificate, and checks what
// FIT-Connect requires: RSA with at least 4096 bits, a certificate, and
// that the certificate is valid at now.
func ParseEncryptionKey(text string, now time.Time) (*KeyInfo, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, errors.New("Bitte geben Sie den öffentlichen Schlüssel an.")
	case len(text) > maxKeyText:
		return nil, fmt.Errorf("Der Schlüssel ist länger als %d KiB.", maxKeyText>>10)
	case strings.HasPrefix(text, "{"):
		return parseJWK([]byte(text), now)
	case strings.HasPrefix(text, "-----BEGIN"):
		return parsePEM([]byte(text), now)
	}
	return nil, errors.New("Der Schlüssel ist weder ein JWK (JSON) noch ein PEM-Zertifikat (-----BEGIN CERTIFICATE-----).")
}

func parseJWK(raw []byte, now time.Time) (*KeyInfo, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, errors.New("Der JWK ist kein gültiges JSON-Objekt.")
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"} {
		if _, ok := fields[private]; ok {
			return nil, errors.New("Der JWK enthält private Schlüsselteile. Bitte geben Sie nur den öffentlichen Schlüssel an – und erzeugen Sie das Schlüsselpaar neu, falls der private Schlüssel weitergegeben wurde.")
		}
	}
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil {
		if errors.Is(err, jose.ErrUnsupportedKeyType) {
			return nil, errors.New("Der JWK hat einen nicht unterstützten Schlüsseltyp; FIT-Connect verlangt RSA.")
		}
		return nil, fmt.Errorf("Der JWK ist ungültig: %s.", strings.TrimPrefix(err.Error(), "go-jose/go-jose: "))
	}
	pub, ok := jwk.Key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("Der JWK ist kein RSA-Schlüssel (%s); FIT-Connect verlangt RSA mit mindestens %d Bit.", keyType(jwk.Key), MinRSABits)
	}
	if jwk.Use != "" && jwk.Use != "enc" {
		return nil, fmt.Errorf("Der JWK ist für %q bestimmt; ein Verschlüsselungsschlüssel hat \"use\": \"enc\".", jwk.Use)
	}
	if jwk.Algorithm != "" && jwk.Algorithm != "RSA-OAEP-256" {
		return nil, fmt.Errorf("Der JWK nennt den Algorithmus %q; FIT-Connect verschlüsselt mit RSA-OAEP-256.", jwk.Algorithm)
	}
	if err := checkRSABits(pub); err != nil {
		return nil, err
	}
	if len(jwk.Certificates) == 0 {
		return nil, errors.New("Dem JWK fehlt das Zertifikat (x5c); FIT-Connect verlangt es.")
	}
	leaf := jwk.Certificates[0]
	if err := checkValidity(leaf, now); err != nil {
		return nil, err
	}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("Der JWK ist ungültig: %v.", err)
	}
	return &KeyInfo{Format: "jwk", Bits: pub.N.BitLen(), Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String(),
		NotBefore: leaf.NotBefore.UTC(), NotAfter: leaf.NotAfter.UTC(), Thumbprint: hex.EncodeToString(tp)}, nil
}

func parsePEM(raw []byte, now time.Time) (*KeyInfo, error) {
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("Der PEM-Text lässt sich nicht lesen; bitte kopieren Sie das Zertifikat vollständig mit den Zeilen BEGIN und END.")
	}
	switch block.Type {
	case "CERTIFICATE":
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, errors.New("Ein bloßer öffentlicher Schlüssel genügt nicht: FIT-Connect verlangt ein Zertifikat. Bitte geben Sie das Zertifikat (BEGIN CERTIFICATE) oder einen JWK mit x5c an.")
	default:
		if strings.Contains(block.Type, "PRIVATE") {
			return nil, errors.New("Das ist ein privater Schlüssel. Bitte geben Sie nur das Zertifikat an – und erzeugen Sie das Schlüsselpaar neu, falls der private Schlüssel weitergegeben wurde.")
		}
		return nil, fmt.Errorf("Der PEM-Block %q ist kein Zertifikat.", block.Type)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, errors.New("Das Zertifikat lässt sich nicht lesen (kein gültiges X.509-Zertifikat).")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("Das Zertifikat enthält keinen RSA-Schlüssel (%s); FIT-Connect verlangt RSA mit mindestens %d Bit.", keyType(cert.PublicKey), MinRSABits)
	}
	if err := checkRSABits(pub); err != nil {
		return nil, err
	}
	if err := checkValidity(cert, now); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(cert.Raw)
	return &KeyInfo{Format: "pem", Bits: pub.N.BitLen(), Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		NotBefore: cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC(), Thumbprint: hex.EncodeToString(sum[:])}, nil
}

func checkRSABits(pub *rsa.PublicKey) error {
	if bits := pub.N.BitLen(); bits < MinRSABits {
		return fmt.Errorf("Der RSA-Schlüssel hat %d Bit; FIT-Connect verlangt mindestens %d Bit.", bits, MinRSABits)
	}
	return nil
}

func checkValidity(cert *x509.Certificate, now time.Time) error {
	if now.After(cert.NotAfter) {
		return fmt.Errorf("Das Zertifikat ist am %s abgelaufen. Bitte hinterlegen Sie ein gültiges Zertifikat.", cert.NotAfter.UTC().Format("02.01.2006"))
	}
	if now.Before(cert.NotBefore) {
		return fmt.Errorf("Das Zertifikat gilt erst ab %s.", cert.NotBefore.UTC().Format("02.01.2006"))
	}
	return nil
}

func keyType(k any) string {
	switch k.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case nil:
		return "unbekannt"
	}
	t := fmt.Sprintf("%T", k)
	switch {
	case strings.Contains(t, "ecdsa"):
		return "EC"
	case strings.Contains(t, "ed25519"):
		return "Ed25519"
	}
	return t
}

// normalize trims the fields and lower-cases the DestinationID.
func (t *Transport) normalize() {
	t.DVDVKennung = strings.TrimSpace(t.DVDVKennung)
	t.IntermediaryURL = strings.TrimSpace(t.IntermediaryURL)
	t.XTA2URL = strings.TrimSpace(t.XTA2URL)
	t.DestinationID = strings.ToLower(strings.TrimSpace(t.DestinationID))
	t.EncryptionKey = strings.TrimSpace(t.EncryptionKey)
	users := make([]string, 0, len(t.MailboxUsers))
	for _, u := range t.MailboxUsers {
		if u = strings.ToLower(strings.TrimSpace(u)); u != "" {
			users = append(users, u)
		}
	}
	t.MailboxUsers = users
}

// Validate checks the format of every field that is filled in and sets
// Key from EncryptionKey. It does not ask for completeness: a case may be
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
	if t.IntermediaryURL != "" {
		if err := CheckEndpointURL(t.IntermediaryURL); err != nil {
			errs.Add("transport.intermediaryUrl", "%s", err.Error())
		}
	}
	if t.XTA2URL != "" {
		if err := CheckEndpointURL(t.XTA2URL); err != nil {
			errs.Add("transport.xta2Url", "%s", err.Error())
		}
	}
	if t.DestinationID != "" {
		if err := CheckDestinationID(t.DestinationID); err != nil {
			errs.Add("transport.destinationId", "%s", err.Error())
		}
	}
	t.Key = nil
	if t.EncryptionKey != "" {
		info, err := ParseEncryptionKey(t.EncryptionKey, now)
		if err != nil {
			errs.Add("transport.encryptionKey", "%s", err.Error())
		} else {
			t.Key = info
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
		if t.IntermediaryURL == "" {
			out = append(out, "Adresse des Intermediärs")
		}
	case VariantOSCIClient:
		if len(t.MailboxUsers) == 0 {
			out = append(out, "mindestens eine Postfach-Benutzerin oder ein Postfach-Benutzer")
		}
	case VariantFITConnect:
		if t.DestinationID == "" {
			out = append(out, "DestinationID des Zustellpunkts")
		}
		if t.Key == nil {
			out = append(out, "öffentlicher Verschlüsselungsschlüssel mit Zertifikat")
		}
	}
	return out
}
