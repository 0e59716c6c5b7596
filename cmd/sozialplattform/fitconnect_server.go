package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/fitconnect/fitserver"
	"sozialplattform/onboarding/delivery/pki"
)

// defaultFITServices are the services the local destination offers
// unless --services names others: the demo's LeiKa values (marked as demo
// values; see onboarding.DemoFITConnectServices).
func defaultFITServices() string {
	var out []string
	for _, id := range onboarding.DemoFITConnectServices {
		out = append(out, id)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// fitconnectServerCmd runs a local FIT-Connect-compatible delivery
// service with one destination and, unless switched off, a subscriber that
// fetches, checks and accepts every submission – for trying the platform's
// variant 3 without the FITKO test environment. State is kept in memory;
// the RSA keys in the data folder.
func fitconnectServerCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fitconnect-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "FITCONNECT_ADDR", "127.0.0.1:8090"), "Adresse, auf der der Zustelldienst lauscht")
	data := fs.String("data", envOr(getenv, "FITCONNECT_DATA", "data/fitconnect-server"), "Ordner für Schlüssel und Zugangsdaten")
	dest := fs.String("destination", delivery.DemoDestinationID, "DestinationID des Zustellpunkts")
	region := fs.String("region", "DE15", "Regionalschlüssel (ARS mit DE), für den der Zustellpunkt Leistungen anbietet")
	serviceList := fs.String("services", defaultFITServices(), "Leistungen (LeiKa-Kennungen, durch Komma getrennt), die der Zustellpunkt anbietet")
	subscribe := fs.Bool("subscriber", true, "Fachverfahren simulieren: Einreichungen abholen, prüfen und annehmen")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var keys [3]string
	for i, n := range []string{"zustelldienst-signatur.pem", "zustellpunkt-verschluesselung.pem", "zustellpunkt-signatur.pem"} {
		keys[i] = filepath.Join(*data, n)
	}
	fmt.Fprintln(stdout, "Schlüssel (RSA 4096) werden geladen oder einmalig erzeugt …")
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
	for _, id := range strings.Split(*serviceList, ",") {
		if id = strings.TrimSpace(id); id != "" {
			if _, err := onboarding.CheckFITConnectService(id); err != nil {
				return fmt.Errorf("--services %q: %w", id, err)
			}
			services = append(services, id)
		}
	}
	env, err := fitserver.NewEnv(fitserver.EnvConfig{ServiceKey: svcKey, AllowHTTPCallbacks: true, SenderRegion: "DE15",
		Destinations: []fitserver.EnvDestinationConfig{{ID: *dest, Regions: []string{*region}, Services: services, EncryptionKey: encKey, SigningKey: sigKey}}})
	if err != nil {
		return err
	}
	defer env.Server.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	d := env.Destinations[0]
	caPath := filepath.Join(*data, "test-ca.pem")
	if err := os.WriteFile(caPath, pki.CertPEM(env.CA.Cert), 0o644); err != nil {
		return fmt.Errorf("write CA: %w", err)
	}
	srv := &http.Server{Handler: env.Server.Handler(), ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if *subscribe {
		sub := env.Subscriber(base, d, nil)
		sub = fitserver.WithReport(sub, func(r fitserver.Received) {
			fmt.Fprintf(stdout, "%s Einreichung %s abgeholt: %d Anlagen, angenommen: %v\n", time.Now().Format("15:04:05"), r.SubmissionID, len(r.Attachments), r.Accepted)
		})
		wake := make(chan struct{}, 1)
		env.Server.OnSubmitted(func(string) {
			select {
			case wake <- struct{}{}:
			default:
			}
		})
		go sub.Run(ctx, 5*time.Second, wake, func(err error) { fmt.Fprintln(stderr, "Subscriber:", err) })
	}
	fmt.Fprintf(stdout, `Lokaler FIT-Connect-Zustelldienst läuft: %s
  Token-Endpunkt:   %s/token
  Absender:         client_id=%s client_secret=%s scope=%s
  Zustellpunkt:     %s (Region %s) – im Onboarding-Fall als DestinationID eintragen;
                    den Schlüssel holt die Plattform selbst vom Zustellpunkt
  Leistungen:       %s
  Test-CA (x5c):    %s  – für --fitconnect-roots
  Subscriber:       %v
`, base, base, env.SenderID, env.SenderSecret, env.SenderScope, d.ID, *region, strings.Join(services, ", "), caPath, *subscribe)
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

func envOr(getenv func(string) string, key, def string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return def
}
