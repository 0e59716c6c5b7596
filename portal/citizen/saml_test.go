package citizen_test

import (
	"context"
	"encoding/xml"
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
	"sozialplattform/tenant/passwordtest"
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
	t.Parallel()
	db := testdb.New(t)
	mailer := &nopMailer{}
	accounts := citizen.NewStore(db, mailer, citizen.Options{Passwords: passwordtest.Hasher()})
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
	// plainIdP makes the IdP see no encryption key of the SP, so that it
	// sends the assertion signed but readable.
	plainIdP := false
	idp := &saml.IdentityProvider{Key: idpKey, Certificate: idpCert,
		MetadataURL: url.URL{Scheme: idpURL.Scheme, Host: idpURL.Host, Path: "/metadata"}, SSOURL: url.URL{Scheme: idpURL.Scheme, Host: idpURL.Host, Path: "/sso"},
		SessionProvider: idpSessions{session},
		ServiceProviderProvider: oneSP{func() *saml.EntityDescriptor {
			md := sp.SPMetadata()
			if plainIdP {
				for i := range md.SPSSODescriptors {
					var keep []saml.KeyDescriptor
					for _, kd := range md.SPSSODescriptors[i].KeyDescriptors {
						if kd.Use == "signing" {
							keep = append(keep, kd)
						}
					}
					md.SPSSODescriptors[i].KeyDescriptors = keep
				}
			}
			return md
		}},
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
	mux.HandleFunc("POST "+citizen.ACSPath, func(w http.ResponseWriter, r *http.Request) { sp.ACS(w, r) })
	mux.HandleFunc("GET "+citizen.MetadataPath, func(w http.ResponseWriter, r *http.Request) { sp.Metadata(w, r) })
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

	// An IdP that sends the assertion only signed, readable in the browser
	// and its history, is refused – the README promises encryption.
	plainIdP = true
	c4, form4 := login(t)
	if plain := mustB64(t, form4.Get("SAMLResponse")); !strings.Contains(plain, "jana@example.org") {
		t.Fatal("the test IdP still encrypts")
	}
	if resp := post(c4, form4); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unencrypted assertion: %s, want 403", resp.Status)
	}
	if me := whoami(c4); strings.HasPrefix(me, "true") {
		t.Errorf("logged in with an unencrypted assertion: %q", me)
	}
	// Only with the switch for test IdPs does it pass.
	if sp, err = citizen.NewSAML(db, accounts, sessions, citizen.SAMLConfig{BaseURL: spSrv.URL, IDPMetadata: idp.Metadata(), Key: spKey, Certificate: spCert,
		AllowUnencrypted: true}); err != nil {
		t.Fatal(err)
	}
	c5, form5 := login(t)
	if resp := post(c5, form5); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("unencrypted assertion with AllowUnencrypted: %s", resp.Status)
	}
	if me := whoami(c5); !strings.Contains(me, first) {
		t.Errorf("session with AllowUnencrypted: %q", me)
	}
	_ = context.Background()
}

// TestLoadIDPMetadata reads the IdP metadata over https or from a file,
// never over http: whoever can change them on the way can log in as anyone.
func TestLoadIDPMetadata(t *testing.T) {
	t.Parallel()
	_, cert, err := citizen.NewKeyPair("Test-IdP")
	if err != nil {
		t.Fatal(err)
	}
	idp := &saml.IdentityProvider{Certificate: cert, MetadataURL: url.URL{Scheme: "https", Host: "idp.example", Path: "/metadata"},
		SSOURL: url.URL{Scheme: "https", Host: "idp.example", Path: "/sso"}}
	raw, err := xml.Marshal(idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	serve := func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(raw) }
	plainSrv := httptest.NewServer(http.HandlerFunc(serve))
	defer plainSrv.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/weiter" {
			http.Redirect(w, r, plainSrv.URL+"/metadata", http.StatusFound)
			return
		}
		serve(w, r)
	}))
	defer tlsSrv.Close()
	file := t.TempDir() + "/idp.xml"
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		source string
		ok     bool
	}{
		{tlsSrv.URL + "/metadata", true},
		{file, true},
		{plainSrv.URL + "/metadata", false},
		{strings.Replace(plainSrv.URL, "http://", "HTTP://", 1) + "/metadata", false},
		{tlsSrv.URL + "/weiter", false}, // https that redirects to http
	} {
		md, err := citizen.LoadIDPMetadata(ctx, tt.source, tlsSrv.Client())
		if tt.ok && (err != nil || md.EntityID != idp.Metadata().EntityID) {
			t.Errorf("%s: %v", tt.source, err)
		}
		if !tt.ok && err == nil {
			t.Errorf("%s: metadata accepted", tt.source)
		}
	}
}
