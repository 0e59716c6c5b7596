package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/pki"
)

// FITServerOptions configure ServeFITConnect.
type FITServerOptions struct {
	Addr    string // where the delivery service listens
	DataDir string // RSA keys and the test CA
	// DestinationID, Region and Services describe the one destination.
	DestinationID, Region string
	Services              []string // LeiKa identifiers; blanks are skipped
	// Subscriber simulates a Fachverfahren that fetches, checks and
	// accepts every submission.
	Subscriber     bool
	Stdout, Stderr io.Writer
}

// ServeFITConnect runs a local FIT-Connect-compatible delivery service
// with one destination until ctx ends – for trying the platform's variant
// 3 without the FITKO test environment (the command fitconnect-server).
// State is kept in memory; the RSA keys in the data folder.
func ServeFITConnect(ctx context.Context, o FITServerOptions) error {
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	var keys [3]string
	for i, n := range []string{"zustelldienst-signatur.pem", "zustellpunkt-verschluesselung.pem", "zustellpunkt-signatur.pem"} {
		keys[i] = filepath.Join(o.DataDir, n)
	}
	fmt.Fprintln(o.Stdout, "Schlüssel (RSA 4096) werden geladen oder einmalig erzeugt …")
	svcKey, err := pki.RSAKeyFile(keys[0], fitconnect.MinRSABits)
	if err != nil {
		return err
	}
	encKey, err := pki.RSAKeyFile(keys[1], fitconnect.MinRSABits)
	if err != nil {
		return err
	}
	sigKey, err := pki.RSAKeyFile(keys[2], fitconnect.MinRSABits)
	if err != nil {
		return err
	}
	var services []string
	for _, id := range o.Services {
		if id = strings.TrimSpace(id); id != "" {
			if _, err := onboarding.CheckFITConnectService(id); err != nil {
				return fmt.Errorf("service %q: %w", id, err)
			}
			services = append(services, id)
		}
	}
	env, err := fitserver.NewEnv(fitserver.EnvConfig{ServiceKey: svcKey, AllowHTTPCallbacks: true, SenderRegion: "DE15",
		Destinations: []fitserver.EnvDestinationConfig{{ID: o.DestinationID, Regions: []string{o.Region}, Services: services, EncryptionKey: encKey, SigningKey: sigKey}}})
	if err != nil {
		return err
	}
	defer env.Server.Close()
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.Addr, err)
	}
	base := "http://" + ln.Addr().String()
	d := env.Destinations[0]
	caPath := filepath.Join(o.DataDir, "test-ca.pem")
	if err := os.WriteFile(caPath, pki.CertPEM(env.CA.Cert), 0o644); err != nil {
		return fmt.Errorf("write CA: %w", err)
	}
	srv := &http.Server{Handler: env.Server.Handler(), ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if o.Subscriber {
		sub := env.Subscriber(base, d, nil)
		sub = fitserver.WithReport(sub, func(r fitserver.Received) {
			fmt.Fprintf(o.Stdout, "%s Einreichung %s abgeholt: %d Anlagen, angenommen: %v\n", time.Now().Format("15:04:05"), r.SubmissionID, len(r.Attachments), r.Accepted)
		})
		wake := make(chan struct{}, 1)
		env.Server.OnSubmitted(func(string) {
			select {
			case wake <- struct{}{}:
			default:
			}
		})
		go sub.Run(ctx, 5*time.Second, wake, func(err error) { fmt.Fprintln(o.Stderr, "Subscriber:", err) })
	}
	fmt.Fprintf(o.Stdout, `Lokaler FIT-Connect-Zustelldienst läuft: %s
  Token-Endpunkt:   %s/token
  Absender:         client_id=%s client_secret=%s scope=%s
  Zustellpunkt:     %s (Region %s) – im Onboarding-Fall als DestinationID eintragen;
                    den Schlüssel holt die Plattform selbst vom Zustellpunkt
  Leistungen:       %s
  Test-CA (x5c):    %s  – für --fitconnect-roots
  Subscriber:       %v
`, base, base, env.SenderID, env.SenderSecret, env.SenderScope, d.ID, o.Region, strings.Join(services, ", "), caPath, o.Subscriber)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
