// Package demo runs the delivery's demo: a local FIT-Connect delivery
// service with a subscriber and a local XTA2 server with a fetching
// Fachverfahren, in this process, plus the demo municipalities'
// connection data and sample applications. Only `serve --demo` wires it;
// nothing else imports it, so no production path starts a test server.
package demo

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/pki"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/onboarding/delivery/xta2/xtaserver"
	"sozialplattform/tenant"
	"sozialplattform/tenant/secret"
)

// Options configure Start.
type Options struct {
	// DB is the platform's database (the sample applications go into
	// the delivery's outbox in one transaction).
	DB *migrations.DB
	// DataDir keeps the demo's RSA keys (subfolder zustellung-demo), so
	// that they are generated only once.
	DataDir string
	// BaseURL is the platform's address, for FIT-Connect's callbacks.
	BaseURL    string
	Onboarding *onboarding.Store
	Tenants    *tenant.Store
	Directory  *dvdv.Directory
	// Author is the platform's identity (--platform-kennung), the account
	// of the demo's XTA2 server.
	Author xta2.Party
	// Build makes the sample applications with the same builders as real
	// ones (cmd wires forms.Store.TestApplication).
	Build  delivery.BuildFunc
	Logger *slog.Logger
}

// Demo is the running demo: a local FIT-Connect with a subscriber and a
// local XTA2 server with a fetching Fachverfahren, in this process.
type Demo struct {
	FITConnectURL, XTAURL string
	DestinationID         string
	// XTACertificate is the demo intermediary's certificate (PEM), the
	// one a DVDV entry for it names.
	XTACertificate string
	cancel         func()
	stop           []func()
}

// Close stops the demo's loops, then its servers.
func (d *Demo) Close() {
	if d.cancel != nil {
		d.cancel()
	}
	for i := len(d.stop) - 1; i >= 0; i-- {
		d.stop[i]()
	}
}

// DestinationID is the demo's FIT-Connect destination (used by
// Landkreis Wittenberg's HzL case, open to every municipality).
const DestinationID = "5e0c8a34-6f1d-4b2e-9a7c-3d15091f1c01"

// Region is where the demo destination offers its services: the ARS
// prefix of Sachsen-Anhalt (the region check matches by prefix).
const Region = "DE15"

// demoServices are the FIT-Connect service identifiers of the catalogue
// (the ministry's LeiKa keys, in the demo the marked demo values).
func demoServices(ctx context.Context, store *onboarding.Store) ([]string, error) {
	catalog, err := store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, od := range catalog {
		for _, a := range od.Antragsstrecken {
			if a.FITConnectService != "" {
				out = append(out, a.FITConnectService)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Demo tenants and their connections, as the seed's field report and the
// onboarding demo have them: Harz via OSCI/XTA2 (DVDV sop:150850000100),
// Wittenberg via FIT-Connect (HzL) and the mailbox (EB-HzL).
const (
	demoHarzKey       = "15085"
	demoWittenbergKey = "15091"
)

// Start starts the local transports – each only where no external
// one is configured (an operator's --fitconnect-url or XTA2 certificate
// wins over the demo) –, gives the demo municipalities their connection
// data (only on cases without a variant, and the DVDV entry of Harz), and
// enqueues a few sample applications per variant (once). It returns when
// the servers listen; the deliveries arrive within seconds through the
// job "zustellung".
func Start(ctx context.Context, s *delivery.Service, o Options) (*Demo, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Author.Identifier == "" {
		return nil, errors.New("delivery demo: the platform identity (Author) is required")
	}
	log := o.Logger.With("component", "delivery-demo")
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Demodaten Zustellung"})
	d := &Demo{}
	ok := false
	defer func() {
		if !ok {
			d.Close()
		}
	}()
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel = cancel
	var loops sync.WaitGroup
	d.stop = append(d.stop, loops.Wait)

	harz, err := o.Tenants.ResolveTenant(ctx, demoHarzKey)
	if err != nil {
		return nil, fmt.Errorf("delivery demo: %w", err)
	}
	wittenberg, err := o.Tenants.ResolveTenant(ctx, demoWittenbergKey)
	if err != nil {
		return nil, fmt.Errorf("delivery demo: %w", err)
	}
	apps := []demoApp{{wittenberg, "eb-hzl"}}
	if !s.FITConnectEnabled() {
		if err := startFIT(ctx, runCtx, s, o, d, &loops, log); err != nil {
			return nil, err
		}
		if err := demoCases(ctx, o.Onboarding, wittenberg.ID, true); err != nil {
			return nil, err
		}
		apps = append(apps, demoApp{wittenberg, "hzl"})
	} else {
		log.Info("FIT-Connect ist extern eingerichtet: der lokale Demo-Zustelldienst startet nicht")
		if err := demoCases(ctx, o.Onboarding, wittenberg.ID, false); err != nil {
			return nil, err
		}
	}
	if !s.XTAEnabled() {
		if err := startXTA(ctx, runCtx, s, o, d, &loops, harz.ID, log); err != nil {
			return nil, err
		}
		apps = append(apps, demoApp{harz, "grusi"}, demoApp{harz, "but"})
	} else {
		log.Info("XTA2 ist extern eingerichtet: der lokale Demo-XTA2-Server startet nicht")
	}
	if err := demoApplications(ctx, s, o, apps); err != nil {
		return nil, err
	}
	ok = true
	log.Info("Demo-Zustellung bereit", "fitConnect", d.FITConnectURL, "xta2", d.XTAURL)
	return d, nil
}

// startFIT runs a local FIT-Connect: a delivery service with one
// destination that offers the catalogue's (demo) LeiKa services for all
// of Sachsen-Anhalt, so that every municipality of the demo – also one
// registered later – can name it in its case and pass a connection test;
// and its subscriber, the demo Fachverfahren.
func startFIT(ctx, runCtx context.Context, s *delivery.Service, o Options, d *Demo, loops *sync.WaitGroup, log *slog.Logger) error {
	keys, err := demoKeys(filepath.Join(o.DataDir, "zustellung-demo"))
	if err != nil {
		return err
	}
	services, err := demoServices(ctx, o.Onboarding)
	if err != nil {
		return err
	}
	env, err := fitserver.NewEnv(fitserver.EnvConfig{ServiceKey: keys[0], AllowHTTPCallbacks: true, Logger: log,
		Destinations: []fitserver.EnvDestinationConfig{{ID: DestinationID, Regions: []string{Region}, Services: services,
			EncryptionKey: keys[1], SigningKey: keys[2]}}})
	if err != nil {
		return err
	}
	fitURL, stopFIT, err := serveLocal(env.Server.Handler(), nil)
	if err != nil {
		return err
	}
	d.FITConnectURL, d.DestinationID = fitURL, DestinationID
	d.stop = append(d.stop, stopFIT, env.Server.Close)
	callbackSecret := secret.New()
	cfg := env.SenderConfig(fitURL, &http.Client{Timeout: 30 * time.Second})
	cfg.CallbackURL, cfg.CallbackSecret = o.BaseURL+delivery.CallbackPath, callbackSecret
	sender, err := fitconnect.NewSender(cfg)
	if err != nil {
		return err
	}
	s.SetFITConnect(&delivery.FITConnectOptions{Sender: sender, CallbackSecret: callbackSecret})
	dest := env.Destinations[0]
	sub := fitserver.NewSubscriber(fitserver.SubscriberConfig{BaseURL: fitURL, TokenURL: fitURL + "/token", ClientID: dest.ClientID,
		ClientSecret: dest.ClientSecret, DestinationID: dest.ID, EncryptionKey: dest.EncryptionKey, EncryptionKid: dest.EncryptionJWK.Kid,
		SigningKey: dest.SigningKey, SigningKid: dest.SigningJWK.Kid,
		OnReceived: func(r fitserver.Received) {
			ref := ""
			if r.Metadata.AdditionalReferenceInfo != nil {
				ref = r.Metadata.AdditionalReferenceInfo.SenderReference
			}
			log.Info("Demo-Fachverfahren (FIT-Connect): Einreichung abgeholt, entschlüsselt und geprüft", "submission", r.SubmissionID,
				"aktenzeichen", ref, "angenommen", r.Accepted, "anlagen", len(r.Attachments))
		}})
	wake := make(chan struct{}, 1)
	env.Server.OnSubmitted(func(string) {
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	loops.Add(1)
	go func() {
		defer loops.Done()
		sub.Run(runCtx, 3*time.Second, wake, func(err error) { log.Warn("Demo-Fachverfahren (FIT-Connect)", "err", err) })
	}()
	return nil
}

// startXTA runs a local XTA2 server with client certificates, the
// platform's account and the demo Fachverfahren that fetches for every
// reader. The server is the demo's intermediary for the whole Land: a
// Behördenkennung has an account there as long as its DVDV entry is
// active and points at this server – the directory the ministry keeps is
// the one source, so a municipality that sets up variant 1 later gets its
// reader once the ministry has entered it, without a restart.
func startXTA(ctx, runCtx context.Context, s *delivery.Service, o Options, d *Demo, loops *sync.WaitGroup, harzID string, log *slog.Logger) error {
	now := time.Now()
	ca, err := pki.NewCA(demoCAName, now, 365*24*time.Hour)
	if err != nil {
		return err
	}
	spec := func(cn string, server bool) pki.Spec {
		return pki.Spec{CommonName: cn, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(364 * 24 * time.Hour), Server: server, Client: !server,
			Hosts: []string{"127.0.0.1"}}
	}
	serverCert, err := ca.TLSCertificate(spec("127.0.0.1", true))
	if err != nil {
		return err
	}
	platformCert, err := ca.TLSCertificate(spec(o.Author.Name, false))
	if err != nil {
		return err
	}
	readerCert, err := ca.TLSCertificate(spec("Demo-Fachverfahren (XTA2)", false))
	if err != nil {
		return err
	}
	readerFP := xtaserver.Fingerprint(readerCert.Leaf.Raw)
	readers := &demoReaders{dir: o.Directory}
	wake := make(chan struct{}, 1)
	xs := xtaserver.New(xtaserver.Options{Identity: "xta2-demo", Logger: log,
		Accounts: func(ctx context.Context, id string) ([]string, bool, error) {
			ok, err := readers.served(ctx, id)
			return []string{readerFP}, ok, err
		},
		Delivered: func(string) {
			select {
			case wake <- struct{}{}:
			default:
			}
		}})
	xs.AddAccount(o.Author.Identifier, xtaserver.Fingerprint(platformCert.Leaf.Raw))
	xtaURL, stopXTA, err := serveLocal(xs.Handler(), &tls.Config{Certificates: []tls.Certificate{serverCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool(), MinVersion: tls.VersionTLS12})
	if err != nil {
		return err
	}
	d.XTAURL = xtaURL + "/xta"
	d.XTACertificate = string(pki.CertPEM(serverCert.Leaf))
	readers.setEndpoint(d.XTAURL)
	d.stop = append(d.stop, stopXTA)
	s.SetXTA(&delivery.XTAOptions{Author: o.Author, ClientCert: platformCert})
	if err := putDemoDVDV(ctx, o.Directory, demoHarzKennung(ctx, o.Onboarding, harzID), d.XTAURL, d.XTACertificate); err != nil {
		return err
	}
	if err := movePreviousDemoEntries(ctx, o.Directory, d.XTAURL, d.XTACertificate); err != nil {
		return err
	}
	client := xta2.TLSClient(readerCert, ca.Pool(), 30*time.Second)
	loops.Add(1)
	go func() {
		defer loops.Done()
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			kennungen, err := readers.list(runCtx)
			if err != nil && runCtx.Err() == nil {
				log.Warn("Demo-Fachverfahren (XTA2)", "err", err)
			}
			for _, k := range kennungen {
				reader := xta2.NewClient(xta2.Config{Endpoint: d.XTAURL, Identity: xta2.Party{Identifier: k}, HTTPClient: client})
				_, err := xta2.FetchAll(runCtx, reader, func(f xta2.Fetched) error {
					log.Info("Demo-Fachverfahren (XTA2): Nachricht abgeholt", "leser", k, "messageId", f.Meta.MessageID,
						"betreff", f.Meta.Subject, "anlagen", len(f.Content.Attachments))
					return nil
				})
				if err != nil && runCtx.Err() == nil {
					log.Warn("Demo-Fachverfahren (XTA2)", "leser", k, "err", err)
				}
			}
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
			case <-wake:
			}
		}
	}()
	certFile := filepath.Join(o.DataDir, "zustellung-demo", "xta2-intermediaer.pem")
	if err := os.MkdirAll(filepath.Dir(certFile), 0o750); err != nil {
		return fmt.Errorf("delivery demo: %w", err)
	}
	if err := os.WriteFile(certFile, []byte(d.XTACertificate), 0o644); err != nil {
		return fmt.Errorf("delivery demo: %w", err)
	}
	log.Info("Demo-Intermediär (XTA2): DVDV-Einträge mit dieser Adresse und diesem Zertifikat werden hier zugestellt",
		"adresse", d.XTAURL, "zertifikat", certFile)
	return nil
}

// demoCAName issues the demo intermediary's certificates; a DVDV entry
// whose certificate it issued points at a demo intermediary.
const demoCAName = "XTA2-Demo-CA"

// demoReaders are the readers the demo intermediary serves: the
// Behördenkennungen whose active DVDV entry names its address.
type demoReaders struct {
	dir      *dvdv.Directory
	mu       sync.Mutex
	endpoint string
}

func (r *demoReaders) setEndpoint(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endpoint = e
}

func (r *demoReaders) here(e *dvdv.DirectoryEntry) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return e.Active && r.endpoint != "" && e.Endpoint == r.endpoint
}

// served says whether kennung is a reader of the demo intermediary.
func (r *demoReaders) served(ctx context.Context, kennung string) (bool, error) {
	e, err := r.dir.Lookup(ctx, kennung)
	if errors.Is(err, dvdv.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.here(e), nil
}

// list returns every reader of the demo intermediary.
func (r *demoReaders) list(ctx context.Context) ([]string, error) {
	all, err := r.dir.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range all {
		if r.here(&all[i]) {
			out = append(out, all[i].Kennung)
		}
	}
	return out, nil
}

// movePreviousDemoEntries points the DVDV entries that named an earlier
// start's demo intermediary (its port and CA change with every start) at
// this one, so that the municipalities connected in the demo stay
// connected.
func movePreviousDemoEntries(ctx context.Context, dir *dvdv.Directory, endpoint, cert string) error {
	all, err := dir.List(ctx)
	if err != nil {
		return err
	}
	for _, e := range all {
		c, err := e.Cert()
		if err != nil || c.Issuer.CommonName != demoCAName || e.Endpoint == endpoint {
			continue
		}
		if _, err := dir.Put(ctx, "", e.Kennung, e.Version, dvdv.Input{Name: e.Name, Endpoint: endpoint, Certificate: cert, Active: e.Active}); err != nil {
			return fmt.Errorf("delivery demo: DVDV entry %s: %w", e.Kennung, err)
		}
	}
	return nil
}

// demoKeys reads or makes the three RSA-4096 keys (service signing,
// destination encryption, destination signing), in parallel.
func demoKeys(dir string) ([]*rsa.PrivateKey, error) {
	names := []string{"fit-zustelldienst-signatur.pem", "fit-zustellpunkt-verschluesselung.pem", "fit-zustellpunkt-signatur.pem"}
	keys := make([]*rsa.PrivateKey, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], errs[i] = pki.RSAKeyFile(filepath.Join(dir, n), fitconnect.MinRSABits)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("delivery demo keys: %w", err)
	}
	return keys, nil
}

// serveLocal serves h on a fresh loopback port (with TLS when given).
func serveLocal(h http.Handler, tc *tls.Config) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("delivery demo: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, TLSConfig: tc}
	scheme := "http"
	if tc != nil {
		scheme = "https"
		go srv.ServeTLS(ln, "", "") //nolint:errcheck // ends with Shutdown
	} else {
		go srv.Serve(ln) //nolint:errcheck // ends with Shutdown
	}
	return scheme + "://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// demoHarzKennung is the Behördenkennung of Harz's cases (the onboarding
// demo sets sop:150850000100).
func demoHarzKennung(ctx context.Context, store *onboarding.Store, tenantID string) string {
	cases, err := store.ListCases(ctx, tenantID)
	if err == nil {
		for _, c := range cases {
			if c.Variant == onboarding.VariantOSCIXTA2 && c.Transport.DVDVKennung != "" {
				return c.Transport.DVDVKennung
			}
		}
	}
	return "sop:150850000100"
}

// putDemoDVDV points Harz's DVDV entry at the local XTA2 server (whose
// port changes with every start).
func putDemoDVDV(ctx context.Context, dir *dvdv.Directory, kennung, endpoint, cert string) error {
	in := dvdv.Input{Name: "Landkreis Harz – Sozialamt (Demo-Intermediär)", Endpoint: endpoint, Certificate: cert, Active: true}
	version := 0
	if e, err := dir.Lookup(ctx, kennung); err == nil {
		version = e.Version
	} else if !errors.Is(err, dvdv.ErrNotFound) {
		return err
	}
	_, err := dir.Put(ctx, "", kennung, version, in)
	return err
}

// demoCases gives Wittenberg's HzL case FIT-Connect (variant 3) and its
// EB-HzL case the mailbox (variant 2), where no variant is chosen yet.
func demoCases(ctx context.Context, store *onboarding.Store, tenantID string, fit bool) error {
	cases, err := store.ListCases(ctx, tenantID)
	if err != nil {
		return err
	}
	for _, c := range cases {
		if c.Variant != onboarding.VariantNone {
			continue
		}
		var p onboarding.CasePatch
		switch c.Antragsstrecke {
		case "hzl":
			if !fit {
				continue
			}
			v := onboarding.VariantFITConnect
			p = onboarding.CasePatch{Variant: &v, Transport: &onboarding.Transport{DestinationID: DestinationID}}
		case "eb-hzl":
			v := onboarding.VariantOSCIClient
			p = onboarding.CasePatch{Variant: &v, Transport: &onboarding.Transport{MailboxUsers: []string{"wittenberg@demo.example"}}}
		default:
			continue
		}
		if _, err := store.UpdateCase(ctx, c.ID, 0, p); err != nil {
			return fmt.Errorf("demo connection data of %s: %w", c.Antragsstrecke, err)
		}
	}
	return nil
}

type demoApp struct {
	t       *tenant.Tenant
	strecke string
}

// demoApplications enqueues two sample applications per entry, once,
// built like a citizen's application (o.Build); an Antragsstrecke without
// an application form (EB-HzL) gets none.
func demoApplications(ctx context.Context, s *delivery.Service, o Options, apps []demoApp) error {
	if o.Build == nil {
		return nil
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var docs []delivery.Document
	for _, a := range apps {
		for i := 1; i <= 2; i++ {
			ref := fmt.Sprintf("DEMO-%s-%s-%d", a.t.Key(), a.strecke, i)
			xml, pdf, err := o.Build(ctx, a.t.ID, a.strecke, ref, now)
			if err != nil {
				o.Logger.Info("Demo-Zustellung: kein Beispielantrag", "antragsstrecke", a.strecke, "grund", err.Error())
				break
			}
			docs = append(docs, delivery.Document{ApplicationID: "demo-" + ref, TenantID: a.t.ID, Antragsstrecke: a.strecke, ReferenceNumber: ref,
				XML: xml, PDF: pdf, SubmittedAt: now})
		}
	}
	return o.DB.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, doc := range docs {
			if _, err := s.Enqueue(ctx, tx, doc); err != nil {
				return err
			}
		}
		return nil
	})
}
