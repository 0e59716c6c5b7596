package main

import (
	"context"
	"flag"
	"io"
	"slices"
	"strings"

	"sozialplattform/onboarding"
	deliverydemo "sozialplattform/onboarding/delivery/demo"
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

// fitconnectServerCmd reads the flags of the local FIT-Connect delivery
// service and runs it (deliverydemo.ServeFITConnect): one destination and,
// unless switched off, a subscriber that fetches, checks and accepts every
// submission.
func fitconnectServerCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fitconnect-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "FITCONNECT_ADDR", "127.0.0.1:8090"), "Adresse, auf der der Zustelldienst lauscht")
	data := fs.String("data", envOr(getenv, "FITCONNECT_DATA", "data/fitconnect-server"), "Ordner für Schlüssel und Zugangsdaten")
	dest := fs.String("destination", deliverydemo.DestinationID, "DestinationID des Zustellpunkts")
	region := fs.String("region", "DE15", "Regionalschlüssel (ARS mit DE), für den der Zustellpunkt Leistungen anbietet")
	serviceList := fs.String("services", defaultFITServices(), "Leistungen (LeiKa-Kennungen, durch Komma getrennt), die der Zustellpunkt anbietet")
	subscribe := fs.Bool("subscriber", true, "Fachverfahren simulieren: Einreichungen abholen, prüfen und annehmen")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return deliverydemo.ServeFITConnect(ctx, deliverydemo.FITServerOptions{Addr: *addr, DataDir: *data, DestinationID: *dest, Region: *region,
		Services: strings.Split(*serviceList, ","), Subscriber: *subscribe, Stdout: stdout, Stderr: stderr})
}

func envOr(getenv func(string) string, key, def string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return def
}
