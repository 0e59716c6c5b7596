package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"sozialplattform/cmd/sozialplattform/statescale"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// demoCmd loads the demo data into the database and, with --scale, the
// data volume of a whole Land on top (statescale), for measurements:
//
//	sozialplattform demo --db data/land.sqlite --scale state
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var scale string
	cfg, rest, err := parseConfig("demo", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&scale, "scale", "", "Datenmenge zusätzlich zu den Demodaten: state (ganz Sachsen-Anhalt) oder small (für Tests)")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("demo: unexpected arguments %q", rest)
	}
	preset, ok := statescale.Presets[scale]
	if scale != "" && !ok {
		names := make([]string, 0, len(statescale.Presets))
		for n := range statescale.Presets {
			names = append(names, n)
		}
		slices.Sort(names)
		return fmt.Errorf("demo: --scale %q: known are %s", scale, strings.Join(names, ", "))
	}
	logger := newLogger(stderr, cfg.LogLevel)
	a, err := newApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.close()
	if _, err := a.loadDemo(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Demodaten geladen.")
	if scale == "" {
		return nil
	}
	res, err := a.generateScale(ctx, preset, func(format string, args ...any) { fmt.Fprintf(stdout, format+"\n", args...) })
	if err != nil {
		return fmt.Errorf("demo --scale %s: %w", scale, err)
	}
	fmt.Fprintf(stdout, "Erzeugt in %.0f s: %d Körperschaften, %d Umsetzungsfälle, %d Bestellungen, %d Sprechstunden, %d Anträge mit %d Zustellungen, %d Beratungsstellen\n",
		res.Took.Seconds(), res.Tenants, res.Cases, res.Orders, res.Consultations, res.Applications, res.Deliveries, res.Counselling)
	return nil
}

// generateScale runs statescale with the app's data key, forms and
// counselling store.
func (a *app) generateScale(ctx context.Context, s statescale.Scale, progress func(string, ...any)) (statescale.Result, error) {
	ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "sozialplattform demo --scale " + s.Name})
	strecken := map[string]string{}
	for _, k := range a.forms.Registry().Keys() {
		if def, ok := a.forms.Registry().Latest(k); ok {
			strecken[k] = def.Version
		}
	}
	res, err := statescale.Generate(ctx, s, statescale.Deps{
		DB: a.db,
		Seal: func(plain []byte, aad string) (string, []byte, []byte, error) {
			sealed, err := a.dataKeys.Seal(plain, []byte(aad))
			return sealed.KeyID, sealed.DEK, sealed.Data, err
		},
		Counselling: func(ctx context.Context, parentID string, raw []byte) error {
			var e counselling.Entry
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			_, err := a.counsel.Create(ctx, counselling.CreateInput{ParentID: parentID, Entry: e, Direct: true})
			return err
		},
		Strecken: strecken,
		Now:      time.Now(),
		Progress: progress,
	})
	if err != nil {
		return res, err
	}
	// The new tenants and roles count at once on this instance, too.
	return res, a.authz.Reload(ctx)
}
