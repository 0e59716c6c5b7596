package citizen

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant/secret"
)

// SAML endpoints of the service provider; they sit outside the portal's
// sites, since the identity provider knows one address per SP.
const (
	MetadataPath = "/servicekonto/saml/metadata"
	ACSPath      = "/servicekonto/saml/acs"
)

// SAMLConfig configures the SAML service provider.
type SAMLConfig struct {
	BaseURL     string
	IDPMetadata *saml.EntityDescriptor
	Key         *rsa.PrivateKey
	Certificate *x509.Certificate
	// Name is what the login button calls the identity provider
	// (default "BundID").
	Name string
	// TrustAttribute names the assertion attribute that carries the trust
	// level (default "vertrauensniveau"); without it the AuthnContextClassRef
	// decides (eIDAS LoA or STORK QAA levels), else "niedrig".
	TrustAttribute string
	Secure         bool
	Logger         *slog.Logger
	// AllowUnencrypted accepts a response whose assertion is only signed.
	// By default the assertion must arrive encrypted for the SP's key (an
	// EncryptedAssertion and no plain Assertion), so that the citizen's
	// name, address and identifiers never travel readable through the
	// browser; switch it on only for test identity providers.
	AllowUnencrypted bool
}

// SAML is the service provider: it sends AuthnRequests (HTTP-Redirect,
// signed), receives signed assertions at the ACS (HTTP-POST) and logs the
// citizen in with the asserted trust level.
type SAML struct {
	sp       saml.ServiceProvider
	db       *migrations.DB
	accounts *Store
	sessions *Sessions
	cfg      SAMLConfig
}

// NewSAML builds the service provider.
func NewSAML(db *migrations.DB, accounts *Store, sessions *Sessions, cfg SAMLConfig) (*SAML, error) {
	if cfg.IDPMetadata == nil || cfg.Key == nil || cfg.Certificate == nil {
		return nil, errors.New("saml: IdP metadata, key and certificate are required")
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.BaseURL, "/"))
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("saml: base URL %q", cfg.BaseURL)
	}
	if cfg.Name == "" {
		cfg.Name = "BundID"
	}
	if cfg.TrustAttribute == "" {
		cfg.TrustAttribute = "vertrauensniveau"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	metadata, acs := *base, *base
	metadata.Path += MetadataPath
	acs.Path += ACSPath
	s := &SAML{db: db, accounts: accounts, sessions: sessions, cfg: cfg}
	s.sp = saml.ServiceProvider{
		EntityID:          metadata.String(),
		Key:               cfg.Key,
		Certificate:       cfg.Certificate,
		MetadataURL:       metadata,
		AcsURL:            acs,
		IDPMetadata:       cfg.IDPMetadata,
		AuthnNameIDFormat: saml.PersistentNameIDFormat,
		SignatureMethod:   dsig.RSASHA256SignatureMethod,
	}
	return s, nil
}

// Name is the identity provider's name for the login button.
func (s *SAML) Name() string { return s.cfg.Name }

// Metadata serves the SP metadata for the identity provider.
func (s *SAML) Metadata(w http.ResponseWriter, r *http.Request) {
	buf, err := xml.MarshalIndent(s.sp.Metadata(), "", "  ")
	if err != nil {
		http.Error(w, "metadata", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(buf)
}

// bindingCookie ties an AuthnRequest to the browser that started it, so
// that a response cannot be replayed into another browser. It must reach
// the ACS on the IdP's cross-site POST: SameSite=None (with Secure) over
// https; in development (http on one host) Lax is enough.
func (s *SAML) bindingCookie() string {
	if s.cfg.Secure {
		return "__Host-servicekonto-saml"
	}
	return "servicekonto-saml"
}

// Start sends the citizen to the identity provider; returnTo is the local
// path to come back to after the login.
func (s *SAML) Start(w http.ResponseWriter, r *http.Request, returnTo string) error {
	if !strings.HasPrefix(returnTo, "/") || strings.HasPrefix(returnTo, "//") || strings.ContainsAny(returnTo, "\\\r\n") {
		returnTo = "/"
	}
	req, err := s.sp.MakeAuthenticationRequest(s.sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return fmt.Errorf("saml: authn request: %w", err)
	}
	binding := secret.New()
	relay := secret.New()[:16]
	now := time.Now().UTC()
	if _, err := s.db.Write.NewRaw("INSERT INTO saml_requests (id, binding_hash, return_to, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		req.ID, secret.Hash(binding+"|"+relay), returnTo, now, now.Add(10*time.Minute)).Exec(r.Context()); err != nil {
		return fmt.Errorf("saml: remember request: %w", err)
	}
	u, err := req.Redirect(relay, &s.sp)
	if err != nil {
		return fmt.Errorf("saml: redirect: %w", err)
	}
	c := &http.Cookie{Name: s.bindingCookie(), Value: binding, Path: "/", MaxAge: 600, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode}
	if s.cfg.Secure {
		c.SameSite = http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
	return nil
}

// ACS receives the identity provider's response: the assertion must be
// encrypted for this SP (unless AllowUnencrypted), signed by the IdP, meant
// for this SP, in time, and answer a request this browser started (single
// use). Then the citizen is logged in with the asserted trust level and
// sent back.
func (s *SAML) ACS(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Die Anmeldung konnte nicht gelesen werden.", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	if !s.cfg.AllowUnencrypted {
		if err := encryptedOnly(r.PostForm.Get("SAMLResponse")); err != nil {
			s.fail(w, r, "assertion not encrypted", err)
			return
		}
	}
	c, err := r.Cookie(s.bindingCookie())
	relay := r.PostForm.Get("RelayState")
	if err != nil || c.Value == "" || relay == "" {
		s.fail(w, r, "no binding cookie or relay state", nil)
		return
	}
	var reqID, returnTo string
	var expires time.Time
	if err := s.db.Read.NewRaw("SELECT id, return_to, expires_at FROM saml_requests WHERE binding_hash = ?", secret.Hash(c.Value+"|"+relay)).
		Scan(ctx, &reqID, &returnTo, &expires); err != nil || time.Now().After(expires) {
		s.fail(w, r, "unknown or expired request", err)
		return
	}
	res, err := s.db.Write.NewRaw("DELETE FROM saml_requests WHERE id = ?", reqID).Exec(ctx)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		s.fail(w, r, "request used already", err)
		return
	}
	assertion, err := s.sp.ParseResponse(r, []string{reqID})
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) {
			err = ire.PrivateErr
		}
		s.fail(w, r, "invalid response", err)
		return
	}
	issuer := ""
	if assertion.Issuer.Value != "" {
		issuer = assertion.Issuer.Value
	}
	subject := ""
	if assertion.Subject != nil && assertion.Subject.NameID != nil {
		subject = assertion.Subject.NameID.Value
	}
	attrs := attributes(assertion)
	email := first(attrs, "mail", "email", "urn:oid:0.9.2342.19200300.100.1.3")
	name := strings.TrimSpace(first(attrs, "givenName", "urn:oid:2.5.4.42") + " " + first(attrs, "sn", "surname", "urn:oid:2.5.4.4"))
	trust := s.trustLevel(assertion, attrs)
	acc, err := s.accounts.SAMLAccount(ctx, issuer, subject, email, name)
	if err != nil {
		s.fail(w, r, "account", err)
		return
	}
	if err := s.sessions.Login(w, r, acc, trust, "saml"); err != nil {
		s.fail(w, r, "session", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.bindingCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.Secure})
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// samlAssertionNS is the namespace of SAML 2.0 assertions.
const samlAssertionNS = "urn:oasis:names:tc:SAML:2.0:assertion"

// encryptedOnly checks that a base64 SAMLResponse (HTTP-POST binding)
// carries its assertion as EncryptedAssertion and no plain Assertion. It
// looks at the structure only; signature and decryption are checked
// afterwards. An artifact (SAMLart) has no SAMLResponse and is refused.
func encryptedOnly(samlResponse string) error {
	if samlResponse == "" {
		return errors.New("no SAMLResponse (only the HTTP-POST binding is accepted)")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, samlResponse))
	if err != nil {
		return fmt.Errorf("SAMLResponse is not base64: %w", err)
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(raw); err != nil {
		return fmt.Errorf("SAMLResponse is not XML: %w", err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "Response" {
		return errors.New("SAMLResponse has no Response element")
	}
	encrypted := 0
	for _, el := range root.ChildElements() {
		if el.NamespaceURI() != samlAssertionNS {
			continue
		}
		switch el.Tag {
		case "Assertion":
			return errors.New("the Response carries an unencrypted Assertion")
		case "EncryptedAssertion":
			encrypted++
		}
	}
	if encrypted == 0 {
		return errors.New("the Response carries no EncryptedAssertion")
	}
	return nil
}

func (s *SAML) fail(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.cfg.Logger.WarnContext(r.Context(), "saml login refused", "reason", what, "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Anmeldung fehlgeschlagen</title></head><body><main>`+
		`<h1>Anmeldung fehlgeschlagen</h1><p>Die Anmeldung über `+htmlEscape(s.cfg.Name)+` konnte nicht bestätigt werden. `+
		`Bitte starten Sie die Anmeldung noch einmal.</p><p><a href="/">Zur Startseite</a></p></main></body></html>`)
}

func htmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func attributes(a *saml.Assertion) map[string][]string {
	out := map[string][]string{}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			for _, v := range at.Values {
				out[at.Name] = append(out[at.Name], v.Value)
				if at.FriendlyName != "" {
					out[at.FriendlyName] = append(out[at.FriendlyName], v.Value)
				}
			}
		}
	}
	return out
}

func first(attrs map[string][]string, names ...string) string {
	for _, n := range names {
		if v := attrs[n]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// TrustFrom maps a trust value – an attribute value or an
// AuthnContextClassRef – to a level: niedrig/substanziell/hoch, the eIDAS
// LoA URIs (low/substantial/high) and STORK QAA levels 1–4. Unknown
// values are "".
func TrustFrom(v string) TrustLevel {
	v = strings.ToLower(strings.TrimSpace(v))
	switch {
	case v == "hoch" || v == "high" || strings.HasSuffix(v, "/loa/high") || strings.HasSuffix(v, "qaa-level-4"):
		return TrustHoch
	case v == "substanziell" || v == "substantial" || strings.HasSuffix(v, "/loa/substantial") || strings.HasSuffix(v, "qaa-level-3"):
		return TrustSubstanziell
	case v == "niedrig" || v == "low" || v == "normal" || strings.HasSuffix(v, "/loa/low") ||
		strings.HasSuffix(v, "qaa-level-1") || strings.HasSuffix(v, "qaa-level-2") || strings.HasSuffix(v, ":passwordprotectedtransport"):
		return TrustNiedrig
	}
	return ""
}

func (s *SAML) trustLevel(a *saml.Assertion, attrs map[string][]string) TrustLevel {
	if t := TrustFrom(first(attrs, s.cfg.TrustAttribute)); t != "" {
		return t
	}
	for _, st := range a.AuthnStatements {
		if st.AuthnContext.AuthnContextClassRef != nil {
			if t := TrustFrom(st.AuthnContext.AuthnContextClassRef.Value); t != "" {
				return t
			}
		}
	}
	return TrustNiedrig
}

// LoadIDPMetadata reads the identity provider's metadata from an https URL
// or a file. An http URL is refused: the metadata hold the certificates
// that every login is checked against, so whoever could change them on the
// way could log in as anyone.
func LoadIDPMetadata(ctx context.Context, source string, client *http.Client) (*saml.EntityDescriptor, error) {
	var raw []byte
	if u, err := url.Parse(source); err == nil && strings.EqualFold(u.Scheme, "http") {
		return nil, fmt.Errorf("saml: IdP-Metadaten nur über https oder aus einer Datei, nicht über %s", u.Redacted())
	}
	if strings.HasPrefix(strings.ToLower(source), "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
		if err != nil {
			return nil, err
		}
		// Redirects stay on https as well.
		c := *client
		c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if r.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s refused: IdP metadata only over https", r.URL.Redacted())
			}
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return nil
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, fmt.Errorf("saml: fetch IdP metadata: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("saml: fetch IdP metadata: %s", resp.Status)
		}
		raw, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, err
		}
	} else {
		var err error
		if raw, err = os.ReadFile(source); err != nil {
			return nil, fmt.Errorf("saml: read IdP metadata: %w", err)
		}
	}
	ed := &saml.EntityDescriptor{}
	if err := xml.Unmarshal(raw, ed); err != nil {
		return nil, fmt.Errorf("saml: IdP metadata: %w", err)
	}
	return ed, nil
}

// LoadOrCreateKeyPair reads the SP's key and certificate (PEM files), or,
// when both paths are empty, a self-signed pair in dir, created on first
// use (for development and demos).
func LoadOrCreateKeyPair(keyPath, certPath, dir, commonName string) (*rsa.PrivateKey, *x509.Certificate, bool, error) {
	created := false
	if keyPath == "" && certPath == "" {
		keyPath, certPath = filepath.Join(dir, "saml-sp.key"), filepath.Join(dir, "saml-sp.crt")
		if _, err := os.Stat(keyPath); errors.Is(err, os.ErrNotExist) {
			if err := createKeyPair(keyPath, certPath, commonName); err != nil {
				return nil, nil, false, err
			}
			created = true
		}
	}
	kb, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, false, fmt.Errorf("saml: SP key: %w", err)
	}
	cb, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, false, fmt.Errorf("saml: SP certificate: %w", err)
	}
	kp, _ := pem.Decode(kb)
	cp, _ := pem.Decode(cb)
	if kp == nil || cp == nil {
		return nil, nil, false, errors.New("saml: SP key or certificate is not PEM")
	}
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(kp.Bytes); err == nil {
		var ok bool
		if key, ok = k.(*rsa.PrivateKey); !ok {
			return nil, nil, false, errors.New("saml: SP key is not RSA")
		}
	} else if key, err = x509.ParsePKCS1PrivateKey(kp.Bytes); err != nil {
		return nil, nil, false, fmt.Errorf("saml: SP key: %w", err)
	}
	cert, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		return nil, nil, false, fmt.Errorf("saml: SP certificate: %w", err)
	}
	return key, cert, created, nil
}

func createKeyPair(keyPath, certPath, cn string) error {
	key, cert, err := NewKeyPair(cn)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(keyPath), 0o750); err != nil {
		return err
	}
	kb, _ := x509.MarshalPKCS8PrivateKey(key)
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
}

// NewKeyPair makes an RSA-3072 key with a self-signed certificate valid
// for five years.
func NewKeyPair(cn string) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		return nil, nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

// CleanupRequests deletes SAML requests that were never answered.
func CleanupRequests(ctx context.Context, db bun.IDB) error {
	_, err := db.NewRaw("DELETE FROM saml_requests WHERE expires_at < ?", time.Now().UTC()).Exec(ctx)
	return err
}

// SPMetadata is the service provider's metadata.
func (s *SAML) SPMetadata() *saml.EntityDescriptor { return s.sp.Metadata() }
