package fitserver

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/pki"
)

// EnvConfig describes a complete local FIT-Connect: the service, its
// destinations and the clients of sender and subscribers.
type EnvConfig struct {
	// ServiceKey signs the service's events (RSA ≥ 4096).
	ServiceKey *rsa.PrivateKey
	// Destinations to create.
	Destinations []EnvDestinationConfig
	// SenderRegion is the sender's scope, "DE15" (Sachsen-Anhalt) by
	// default.
	SenderRegion string
	// KeyValidity is how long the destinations' certificates are valid
	// (default ten years).
	KeyValidity        time.Duration
	AllowHTTPCallbacks bool
	Now                func() time.Time
	Logger             *slog.Logger
}

// EnvDestinationConfig describes one destination.
type EnvDestinationConfig struct {
	ID string
	// Regions where the destination offers Services (ARS with "DE").
	Regions  []string
	Services []string
	// EncryptionKey and SigningKey are RSA ≥ 4096 keys.
	EncryptionKey, SigningKey *rsa.PrivateKey
	Callback                  *fitconnect.CreateCallback
}

// Env is a ready local FIT-Connect with its credentials.
type Env struct {
	Server *Server
	CA     *pki.CA
	// SenderID and SenderSecret are the sender's client credentials;
	// SenderScope its scope.
	SenderID, SenderSecret, SenderScope string
	Destinations                        []*EnvDestination
	now                                 func() time.Time
}

// EnvDestination is a created destination with what its subscriber needs.
type EnvDestination struct {
	ID                         string
	EncryptionJWK, SigningJWK  fitconnect.JWK
	EncryptionKey, SigningKey  *rsa.PrivateKey
	ClientID, ClientSecret     string
	EncryptionCert, SigningCrt *x509.Certificate
}

func secret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewEnv builds the server, a CA, the destinations' certificates and
// the OAuth clients.
func NewEnv(cfg EnvConfig) (*Env, error) {
	if cfg.ServiceKey == nil {
		return nil, errors.New("fitserver env: ServiceKey is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SenderRegion == "" {
		cfg.SenderRegion = "DE15"
	}
	if cfg.KeyValidity <= 0 {
		cfg.KeyValidity = 10 * 365 * 24 * time.Hour
	}
	now := cfg.Now()
	ca, err := pki.NewCA("FIT-Connect Test-CA (lokal)", now, 20*365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	issue := func(k *rsa.PrivateKey, cn string) (*x509.Certificate, error) {
		return ca.Issue(&k.PublicKey, pki.Spec{CommonName: cn, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(cfg.KeyValidity)})
	}
	svcCert, err := issue(cfg.ServiceKey, "Zustelldienst (lokal)")
	if err != nil {
		return nil, err
	}
	srv, err := New(Options{SigningKey: cfg.ServiceKey, Chain: []*x509.Certificate{svcCert, ca.Cert}, SigningKid: "zustelldienst-1",
		AllowHTTPCallbacks: cfg.AllowHTTPCallbacks, Now: cfg.Now, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	e := &Env{Server: srv, CA: ca, SenderID: "sozialplattform", SenderSecret: secret(), SenderScope: "send:region:" + cfg.SenderRegion, now: cfg.Now}
	srv.AddClient(e.SenderID, e.SenderSecret, e.SenderScope)
	for _, dc := range cfg.Destinations {
		if dc.EncryptionKey == nil || dc.SigningKey == nil {
			return nil, fmt.Errorf("fitserver env: destination %s needs both keys", dc.ID)
		}
		encCert, err := issue(dc.EncryptionKey, "Zustellpunkt "+dc.ID+" Verschlüsselung")
		if err != nil {
			return nil, err
		}
		sigCert, err := issue(dc.SigningKey, "Zustellpunkt "+dc.ID+" Signatur")
		if err != nil {
			return nil, err
		}
		short := strings.ReplaceAll(dc.ID, "-", "")[:8]
		d := &EnvDestination{ID: dc.ID, EncryptionKey: dc.EncryptionKey, SigningKey: dc.SigningKey, EncryptionCert: encCert, SigningCrt: sigCert,
			EncryptionJWK: fitconnect.NewJWK(&dc.EncryptionKey.PublicKey, "enc-"+short, fitconnect.OpWrapKey, []*x509.Certificate{encCert, ca.Cert}),
			SigningJWK:    fitconnect.NewJWK(&dc.SigningKey.PublicKey, "sig-"+short, fitconnect.OpVerify, []*x509.Certificate{sigCert, ca.Cert}),
			ClientID:      "fachverfahren-" + short, ClientSecret: secret()}
		var services []fitconnect.DestinationService
		for _, id := range dc.Services {
			services = append(services, fitconnect.DestinationService{Identifier: id, Regions: dc.Regions,
				SubmissionSchemas: []fitconnect.SubmissionSchema{{MimeType: "application/xml", SchemaURI: XSozialSchemaURI}}})
		}
		if err := srv.AddDestination(DestinationConfig{ID: dc.ID, Services: services, EncryptionKey: d.EncryptionJWK,
			SigningKey: d.SigningJWK, Callback: dc.Callback}); err != nil {
			return nil, err
		}
		srv.AddClient(d.ClientID, d.ClientSecret, "subscribe:destination:"+dc.ID)
		e.Destinations = append(e.Destinations, d)
	}
	return e, nil
}

// XSozialSchemaURI names the XSozial-basis 2.4.0 schema in destinations
// and metadata.
const XSozialSchemaURI = "https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0"

// SenderConfig returns the sender's configuration for a server reachable
// at baseURL (token endpoint baseURL + "/token").
func (e *Env) SenderConfig(baseURL string, hc *http.Client) fitconnect.Config {
	baseURL = strings.TrimRight(baseURL, "/")
	return fitconnect.Config{BaseURL: baseURL, TokenURL: baseURL + "/token", ClientID: e.SenderID, ClientSecret: e.SenderSecret,
		Scope: e.SenderScope, HTTPClient: hc, Roots: e.CA.Pool(), Now: e.now}
}

// Subscriber returns a subscriber for destination d at baseURL.
func (e *Env) Subscriber(baseURL string, d *EnvDestination, hc *http.Client) *Subscriber {
	baseURL = strings.TrimRight(baseURL, "/")
	return NewSubscriber(SubscriberConfig{BaseURL: baseURL, TokenURL: baseURL + "/token", ClientID: d.ClientID, ClientSecret: d.ClientSecret,
		DestinationID: d.ID, EncryptionKey: d.EncryptionKey, EncryptionKid: d.EncryptionJWK.Kid, SigningKey: d.SigningKey,
		SigningKid: d.SigningJWK.Kid, HTTPClient: hc, Now: e.now})
}
