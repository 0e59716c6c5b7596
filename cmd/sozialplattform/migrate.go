package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"sozialplattform/migrations"
)

// migrateCmd applies, rolls back or lists the schema migrations.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, rest, err := parseConfig("migrate", args, getenv, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("migrate: say up, down or status")
	}
	db, err := migrations.Open(ctx, cfg.DB, migrations.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := migrations.NewMigrator(db)
	if err != nil {
		return err
	}
	switch rest[0] {
	case "up":
		names, err := m.Up(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "Datenbank ist aktuell.")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "angewendet:", n)
		}
	case "down":
		names, err := m.Down(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "Nichts zurückzunehmen.")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "zurückgenommen:", n)
		}
	case "status":
		status, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range status {
			state := "ausstehend"
			if s.Applied {
				state = "angewendet"
			}
			fmt.Fprintf(stdout, "%s_%s\t%s\n", s.Name, s.Comment, state)
		}
	default:
		return fmt.Errorf("migrate: unknown action %q (up, down, status)", rest[0])
	}
	return nil
}
