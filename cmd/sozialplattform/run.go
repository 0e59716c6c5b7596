package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Sozialplattform Sachsen-Anhalt

Aufruf:
  sozialplattform serve [--demo] [Optionen]       Server starten (Konsole, API, Portal)
  sozialplattform migrate up|down|status          Datenbankschema verwalten
  sozialplattform user create --tenant <Schlüssel oder Kurzname> --role <Rolle> --email <E-Mail> --password-stdin
  sozialplattform openapi                         OpenAPI-Dokument ausgeben
  sozialplattform demo [--scale state|small]      Demodaten laden, mit --scale die Datenmenge ganz Sachsen-Anhalts dazu
  sozialplattform backup --to <Datei> [--force]   SQLite-Datenbank im laufenden Betrieb sichern
  sozialplattform restore --from <Datei>          Sicherung zurückspielen (Server vorher anhalten)
  sozialplattform healthcheck [--url <URL>]       /readyz abfragen: Exit-Code 0 bereit, 1 nicht (für HEALTHCHECK)
  sozialplattform version                         Version ausgeben

Optionen (auch als Umgebungsvariablen):
`

// run is the whole program: it parses the subcommand and its flags and
// runs it until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage+optionsHelp())
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, getenv, stdout, stderr)
	case "fitconnect-server":
		return fitconnectServerCmd(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, getenv, stdin, stdout, stderr)
	case "openapi":
		return openapiCmd(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheckCmd(ctx, rest, getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "sozialplattform", version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage+optionsHelp())
		return nil
	}
	fmt.Fprint(stderr, usage+optionsHelp())
	return fmt.Errorf("unknown command %q", cmd)
}
