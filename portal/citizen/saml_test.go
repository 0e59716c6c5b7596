package citizen_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/crewjam/saml"

	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/citizen"
	"sozialplattform/tenant"
)

// idpSessions answers every SSO request with one logged-in person.
type idpSessions struct{ session *saml.Session }

func (p idpSessions) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	s := *p.session
	return &s
}

type oneSP struct{ sp func() *saml.EntityDescriptor }

func (p oneSP) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	md := p.sp()
	if md.EntityID != id {
		return nil, os.ErrNotExist
	}
	return md, nil
}

// TestSAMLRoundTrip logs in through an identity provider started here
// (crewjam/saml's IdentityProvider): AuthnRequest by redirect, signed
// assertion by POST to the ACS, and the trust level from an attribute or
// from the AuthnContextClassRef lands in the session. Replays and forged
// responses are refused.
func TestSAMLRoundTrip(t *testing.T) {
	db := testdb.New(t)
	mailer := &nopMailer{}
	accounts := citizen.NewStore(db, mailer, citizen.Options{})
	sessions := citizen.NewSessions(tenant.NewSessionStore(db, tenant.SessionOptions{}))

	var spHandler, idpHandler http.Handler
	spSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { spHandler.ServeHTTP(w, r) }))
	defer spSrv.Close()
	idpSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { idpHandler.ServeHTTP(w, r) }))
	defer idpSrv.Close()

	idpKey, idpCert, err := citizen.NewKeyPair("Test-IdP")
	if err != nil {
		t.Fatal(err)
	}
	idpURL, _ := url.Parse(idpSrv.URL)
	session := &saml.Session{ID: "s1", NameID: "bundid-4711", NameIDFormat: string(saml.PersistentNameIDFormat),
		UserEmail: "jana@example.org", UserGivenName: "Jana", UserSurname: "Beispiel",
		CustomAttributes: []saml.Attribute{{Name: "vertrauensniveau", NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
			Values: []saml.AttributeValue{{Type: "xs:string", Value: "substanziell"}}}}}
	var sp *citizen.SAML
	idp := &saml.IdentityProvider{Key: idpKey, Certificate: idpCert,
		MetadataURL: url.URL{Scheme: idpURL.Scheme, Host: idpURL.Host, Path: "/metadata"}, SSOURL: url.URL{Scheme: idpURL.Scheme, Host: idpURL.Host, Path: "/sso"},
		SessionProvider:         idpSessions{session},
		ServiceProviderProvider: oneSP{func() *saml.EntityDescriptor { return sp.SPMetadata() }},
		WantAuthnRequestsSigned: true,
	}
	idpHandler = idp.Handler()

	spKey, spCert, err := citizen.NewKeyPair("Test-SP")
	if err != nil {
		t.Fatal(err)
	}
	sp, err = citizen.NewSAML(db, accounts, sessions, citizen.SAMLConfig{BaseURL: spSrv.URL, IDPMetadata: idp.Metadata(), Key: spKey, Certificate: spCert})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		if err := sp.Start(w, r, "/zurueck"); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	mux.HandleFunc("POST "+citizen.ACSPath, sp.ACS)
	mux.HandleFunc("GET "+citizen.MetadataPath, sp.Metadata)
	mux.HandleFunc("GET /zurueck", func(w http.ResponseWriter, r *http.Request) {
		p, ok, err := sessions.Current(r)
		fmt.Fprintf(w, "%v %v %s %s %s", ok, err, p.ID, p.Trust, p.Email)
	})
	spHandler = mux

	login := func(t *testing.T) (*http.Client, url.Values) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(spSrv.URL + "/start")
		if err != nil || resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %v %v", resp.Status, err)
		}
		loc := resp.Header.Get("Location")
		if !strings.HasPrefix(loc, idpSrv.URL+"/sso?SAMLRequest=") || !strings.Contains(loc, "Signature=") {
			t.Fatalf("not a signed redirect to the IdP: %s", loc)
		}
		resp, err = c.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		form := url.Values{}
		for _, name := range []string{"SAMLResponse", "RelayState"} {
			m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindSubmatch(body)
			if m == nil {
				t.Fatalf("IdP answer has no %s:\n%s", name, body)
			}
			form.Set(name, html.UnescapeString(string(m[1])))
		}
		return c, form
	}
	post := func(c *http.Client, form url.Values) *http.Response {
		resp, err := c.PostForm(spSrv.URL+citizen.ACSPath, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	whoami := func(c *http.Client) string {
		resp, err := c.Get(spSrv.URL + "/zurueck")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	c, form := login(t)
	if resp := post(c, form); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/zurueck" {
		t.Fatalf("ACS: %s %s", resp.Status, resp.Header.Get("Location"))
	}
	me := whoami(c)
	if !strings.HasPrefix(me, "true <nil> ") || !strings.HasSuffix(me, " substanziell jana@example.org") {
		t.Fatalf("session after SAML login: %q", me)
	}
	first := strings.Fields(me)[2]
	// The same response again is refused (single use), also in another browser.
	if resp := post(c, form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("replay: %s", resp.Status)
	}
	other, _ := login(t)
	if resp := post(other, form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("response in another browser: %s", resp.Status)
	}
	// A forged response fails the signature check.
	c2, form2 := login(t)
	orig := mustB64(t, form2.Get("SAMLResponse"))
	if strings.Contains(orig, "jana@example.org") || !strings.Contains(orig, "EncryptedAssertion") {
		t.Error("the assertion travels unencrypted")
	}
	// A change inside the signed response (an attribute no check reads
	// otherwise) breaks the signature.
	forged := strings.Replace(orig, `Type="http://www.w3.org/2001/04/xmlenc#Element"`, `Type="http://www.w3.org/2001/04/xmlenc#Element" `, 1)
	forged = strings.Replace(forged, `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="_`, `<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Id="_x`, 1)
	form2.Set("SAMLResponse", b64(forged))
	if resp := post(c2, form2); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged response: %s", resp.Status)
	}
	// Trust level from the AuthnContextClassRef (eIDAS "high"); same person,
	// same account.
	session.CustomAttributes = nil
	session.AuthnContextClassRef = "http://eidas.europa.eu/LoA/high"
	c3, form3 := login(t)
	post(c3, form3)
	if me := whoami(c3); !strings.Contains(me, first+" hoch ") {
		t.Errorf("eIDAS high: %q (want account %s)", me, first)
	}
	for v, want := range map[string]citizen.TrustLevel{"http://eidas.europa.eu/LoA/low": citizen.TrustNiedrig, "STORK-QAA-Level-3": citizen.TrustSubstanziell, "x": ""} {
		if got := citizen.TrustFrom(v); got != want {
			t.Errorf("TrustFrom(%q) = %q", v, got)
		}
	}
	// The metadata endpoint serves the SP's entity.
	resp, _ := http.Get(spSrv.URL + citizen.MetadataPath)
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), citizen.ACSPath) || !strings.Contains(string(b), "AuthnRequestsSigned=\"true\"") {
		t.Errorf("metadata: %s", b)
	}
	_ = context.Background()
}
