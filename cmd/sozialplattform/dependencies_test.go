package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The dependency rule of the house (README, Architektur): imports only
// run down the layers
//
//	cmd → surfaces (admin, portal/www) → domains (marketplace, onboarding,
//	portal/<domain>) → tenant → migrations
//
// the two surfaces never import each other, onboarding (and its delivery)
// knows nothing of the application forms, and the demo's local transport
// servers are reached only through the demo package, which only the
// composition root wires (serve --demo).
const module = "sozialplattform"

// layer is the rank of a package of the module: higher ones may import
// lower ones and their own layer, never a higher one.
type layer int

const (
	layerMigrations layer = iota + 1
	layerTenant
	layerDomain
	layerSurface
	layerCmd
)

func (l layer) String() string {
	return [...]string{"?", "migrations", "tenant", "domain", "surface", "cmd"}[l]
}

// under tells whether pkg is root or a package below it.
func under(pkg, root string) bool { return pkg == root || strings.HasPrefix(pkg, root+"/") }

// layerOf places a package of the module.
func layerOf(pkg string) layer {
	switch p := strings.TrimPrefix(pkg, module+"/"); {
	case under(p, "cmd"):
		return layerCmd
	case under(p, "admin"), under(p, "portal/www"):
		return layerSurface
	case under(p, "tenant"):
		return layerTenant
	case under(p, "migrations"):
		return layerMigrations
	default: // marketplace, onboarding, portal and portal/<domain>
		return layerDomain
	}
}

// surfaceOf names a package's surface, "" for none.
func surfaceOf(pkg string) string {
	for _, s := range []string{"admin", "portal/www"} {
		if under(pkg, module+"/"+s) {
			return s
		}
	}
	return ""
}

// checkImport returns why pkg may not import dep, or nil; inTest says
// that only pkg's tests import it (tests may run the local transport
// servers).
func checkImport(pkg, dep string, inTest bool) error {
	if !under(dep, module) || pkg == dep {
		return nil
	}
	lp, ld := layerOf(pkg), layerOf(dep)
	switch {
	case ld > lp:
		return fmt.Errorf("%s (%s) imports %s, a %s above it", pkg, lp, dep, ld)
	case lp == layerSurface && surfaceOf(pkg) != surfaceOf(dep) && ld == layerSurface:
		return fmt.Errorf("surface %s imports the other surface's %s", pkg, dep)
	case under(pkg, module+"/onboarding") && under(dep, module+"/portal/forms"):
		return fmt.Errorf("%s imports %s: onboarding and its delivery receive finished documents and know nothing of forms", pkg, dep)
	case under(dep, module+"/onboarding/delivery/demo") && !under(pkg, module+"/cmd/sozialplattform"):
		return fmt.Errorf("%s imports the delivery demo %s, which only serve --demo wires", pkg, dep)
	case (under(dep, module+"/onboarding/delivery/fitconnect/fitserver") || under(dep, module+"/onboarding/delivery/xta2/xtaserver")) &&
		!inTest && !under(pkg, module+"/onboarding/delivery/demo") && !strings.HasSuffix(pkg, "test") &&
		!under(pkg, module+"/onboarding/delivery/fitconnect") && !under(pkg, module+"/onboarding/delivery/xta2"):
		return fmt.Errorf("%s imports the local transport server %s: only the demo and the test kits run them", pkg, dep)
	}
	return nil
}

func TestCheckImportKnowsTheRule(t *testing.T) {
	t.Parallel()
	m := func(p string) string { return module + "/" + p }
	for _, tc := range []struct {
		pkg, dep string
		ok       bool
	}{
		{m("onboarding/delivery"), m("onboarding/delivery/xta2/xtaserver") + " (in a test)", true},
		{m("cmd/sozialplattform"), m("admin"), true},
		{m("admin/core"), m("tenant/authz"), true},
		{m("admin/delivery"), m("onboarding/delivery"), true},
		{m("portal/www"), m("portal/forms"), true},
		{m("portal/forms"), m("portal/citizen"), true},
		{m("onboarding/delivery"), m("onboarding"), true},
		{m("tenant/web"), m("tenant"), true},
		{m("tenant"), m("migrations"), true},
		{m("cmd/sozialplattform"), m("onboarding/delivery/demo"), true},
		{m("onboarding/delivery/demo"), m("onboarding/delivery/xta2/xtaserver"), true},
		{m("onboarding/delivery/deliverytest"), m("onboarding/delivery/fitconnect/fitserver"), true},
		{m("marketplace"), "github.com/uptrace/bun", true},

		{m("tenant"), m("marketplace"), false},          // the core under a domain
		{m("migrations"), m("tenant"), false},           // storage under the core
		{m("portal/forms"), m("portal/www"), false},     // a domain imports a surface
		{m("onboarding"), m("admin/onboarding"), false}, // a domain imports a surface
		{m("admin"), m("cmd/sozialplattform"), false},   // a surface imports the root
		{m("admin/applications"), m("portal/www"), false},
		{m("portal/www"), m("admin/ui"), false},
		{m("onboarding/delivery"), m("portal/forms"), false},
		{m("portal/www"), m("onboarding/delivery/demo"), false},
		{m("onboarding/delivery"), m("onboarding/delivery/fitconnect/fitserver"), false},
	} {
		dep, inTest := strings.CutSuffix(tc.dep, " (in a test)")
		if err := checkImport(tc.pkg, dep, inTest); (err == nil) != tc.ok {
			t.Errorf("%s → %s: %v, want allowed=%v", tc.pkg, tc.dep, err, tc.ok)
		}
	}
}

// TestDependencyRule reads every package of the module with `go list`
// (its imports and those of its tests) and checks each import of the
// module's own packages against the rule.
func TestDependencyRule(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports,Error", module+"/...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	packages, imports := 0, 0
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
			Error                              *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Error != nil {
			t.Errorf("%s: %s", p.ImportPath, p.Error.Err)
		}
		packages++
		for i, dep := range append(append(p.Imports, p.TestImports...), p.XTestImports...) {
			if under(dep, module) {
				imports++
			}
			if err := checkImport(p.ImportPath, dep, i >= len(p.Imports)); err != nil {
				t.Error(err)
			}
		}
	}
	if packages < 40 || imports < 200 {
		t.Fatalf("go list named %d packages with %d imports of the module: not the whole module", packages, imports)
	}
	t.Logf("%d packages, %d imports of the module's own packages checked", packages, imports)
}
