// Package deliverytest holds what the delivery tests share: RSA-4096 test
// keys committed under testdata/ (generating them takes seconds), a local
// FIT-Connect served by httptest, and Flaky, an http.Handler wrapper that
// injects faults of every kind the issue names, deterministic by seed; and
// Mailbox, which delivers a test application into a municipality's console
// mailbox for the tests of the console and of the whole server.
package deliverytest

import (
	"crypto/rsa"
	"embed"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/pki"
)

//go:embed testdata/*.pem
var keyFiles embed.FS

// KeySet are the committed test keys.
type KeySet struct {
	ServiceSigning, DestinationEncryption, DestinationSigning, OtherEncryption *rsa.PrivateKey
}

// keys parses the committed keys once; the result is never changed.
var keys = sync.OnceValues(func() (*KeySet, error) {
	load := func(name string) (*rsa.PrivateKey, error) {
		b, err := keyFiles.ReadFile("testdata/" + name + ".pem")
		if err != nil {
			return nil, err
		}
		k, err := pki.ParseKeyPEM(b)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s: not RSA", name)
		}
		return rk, nil
	}
	var ks KeySet
	var err error
	for _, p := range []struct {
		name string
		dst  **rsa.PrivateKey
	}{{"service-signing", &ks.ServiceSigning}, {"destination-encryption", &ks.DestinationEncryption},
		{"destination-signing", &ks.DestinationSigning}, {"other-encryption", &ks.OtherEncryption}} {
		if *p.dst, err = load(p.name); err != nil {
			return nil, err
		}
	}
	return &ks, nil
})

// Keys returns the committed test keys.
func Keys(t testing.TB) *KeySet {
	t.Helper()
	ks, err := keys()
	if err != nil {
		t.Fatalf("test keys: %v", err)
	}
	return ks
}

// DestinationID is the test destination's ID.
const DestinationID = "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"

// ServiceID is the only service the test destination offers: a LeiKa
// identifier as real destinations list them (the demo value of HzL, see
// onboarding.DemoFITConnectServices; no real LeiKa key).
const ServiceID = "urn:de:fim:leika:leistung:00000000100861"

// FIT is a local FIT-Connect served over httptest.
type FIT struct {
	Env         *fitserver.Env
	HTTP        *httptest.Server
	URL         string
	Destination *fitserver.EnvDestination
	Subscriber  *fitserver.Subscriber
}

// FITOptions tune NewFIT.
type FITOptions struct {
	// Wrap wraps the server's handler (e.g. with Flaky).
	Wrap func(http.Handler) http.Handler
	Now  func() time.Time
	// AllowHTTPCallbacks admits the platform's http callback in tests.
	AllowHTTPCallbacks bool
}

// NewFIT starts a local FIT-Connect with one destination (DestinationID,
// offering ServiceID in DE15085) and its subscriber.
func NewFIT(t testing.TB, o FITOptions) *FIT {
	t.Helper()
	ks := Keys(t)
	env, err := fitserver.NewEnv(fitserver.EnvConfig{ServiceKey: ks.ServiceSigning, Now: o.Now, AllowHTTPCallbacks: o.AllowHTTPCallbacks,
		Destinations: []fitserver.EnvDestinationConfig{{ID: DestinationID, Regions: []string{"DE15085"}, Services: []string{ServiceID},
			EncryptionKey: ks.DestinationEncryption, SigningKey: ks.DestinationSigning}}})
	if err != nil {
		t.Fatal(err)
	}
	h := env.Server.Handler()
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		env.Server.Close()
	})
	d := env.Destinations[0]
	return &FIT{Env: env, HTTP: srv, URL: srv.URL, Destination: d,
		Subscriber: env.Subscriber(srv.URL, d, &http.Client{Timeout: 10 * time.Second})}
}

// SenderConfig is the platform's sender configuration for f.
func (f *FIT) SenderConfig(hc *http.Client) fitconnect.Config {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return f.Env.SenderConfig(f.URL, hc)
}
