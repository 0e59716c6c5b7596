package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"sozialplattform/tenant"
)

// userCmd creates a user from the command line, e.g. the first ministry
// administrator of a new installation. The password is read from standard
// input so that it appears neither in the process list nor in the shell's
// history.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("user: say create")
	}
	var tenantRef, role, email, name string
	var passwordStdin bool
	cfg, _, err := parseConfig("user create", args[1:], getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&tenantRef, "tenant", "", "Körperschaft: amtlicher Schlüssel, Kurzname oder ID")
		fs.StringVar(&role, "role", "", "Rolle: ministry-admin, municipality-admin, municipality-clerk, counselling-editor")
		fs.StringVar(&email, "email", "", "E-Mail-Adresse")
		fs.StringVar(&name, "name", "", "Name (Standard: der Teil der E-Mail-Adresse vor dem @)")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "Passwort von der Standardeingabe lesen")
	})
	if err != nil {
		return err
	}
	if tenantRef == "" || role == "" || email == "" {
		return errors.New("user create: --tenant, --role and --email are required")
	}
	if !passwordStdin {
		return errors.New("user create: pass the password on standard input with --password-stdin")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	logger := newLogger(stderr, cfg.LogLevel)
	a, err := newApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	t, err := a.store.ResolveTenant(ctx, tenantRef)
	if err != nil {
		return fmt.Errorf("user create: tenant %q not found", tenantRef)
	}
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Kommandozeile"})
	u, err := a.store.CreateUser(ctx, tenant.NewUserInput{Email: email, Name: name, Password: password, TenantID: t.ID, Role: tenant.Role(role)})
	if err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	fmt.Fprintf(stdout, "Benutzer %s angelegt (%s in %s).\n", u.Email, tenant.Role(role).Label(), t.Name)
	return nil
}
