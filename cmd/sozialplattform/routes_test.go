package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// routeSources are the packages whose route tables make up the server: the
// console, the citizen portal (its pages exist at the root and below each
// slug) and the wiring here. Other packages' muxes (the local FIT-Connect
// server) run on their own listeners.
var routeSources = []string{"../../admin", "../../portal", "."}

// TestEveryRoutedSegmentIsAReservedSlug reads the route tables from the
// source (every Handle/HandleFunc pattern and the API's prefix, constants
// resolved) and checks that each first path segment a tenant slug could
// take is reserved in tenant: a tenant with that slug could never be
// reached at /{slug}/. A new top-level route fails this test until
// tenant's list learns it.
func TestEveryRoutedSegmentIsAReservedSlug(t *testing.T) {
	fset := token.NewFileSet()
	names := newStringNames()
	var routeFiles []*ast.File
	var sources []string
	for _, dir := range routeSources {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, abs)
	}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir, err := filepath.Abs(filepath.Dir(path))
		if err != nil {
			return err
		}
		names.collect(dir, f)
		if slices.Contains(sources, dir) {
			routeFiles = append(routeFiles, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slugShaped := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	segments := map[string]bool{}
	for _, f := range routeFiles {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			var arg ast.Expr
			switch {
			case (sel.Sel.Name == "Handle" || sel.Sel.Name == "HandleFunc") && len(call.Args) == 2:
				arg = call.Args[0]
			case sel.Sel.Name == "NewWithPrefix" && len(call.Args) == 3:
				arg = call.Args[1]
			default:
				return true
			}
			values := names.values(f, arg)
			if len(values) == 0 {
				t.Errorf("%s: cannot read the pattern %s; teach this test", fset.Position(call.Pos()), exprString(arg))
			}
			for _, v := range values {
				segments[firstSegment(v)] = true
			}
			return true
		})
	}
	var checked []string
	for s := range segments {
		if !slugShaped.MatchString(s) {
			continue // "", "{$}", "marke.css": no slug looks like that
		}
		checked = append(checked, s)
		if !tenant.ReservedSlug(s) {
			t.Errorf("the server routes /%s/, but a tenant may take the slug %q: add it to tenant's reserved slugs", s, s)
		}
	}
	slices.Sort(checked)
	for _, want := range []string{"admin", "api", "static", "marktplatz", "servicekonto", "beratung", "healthz", "readyz", "metrics", "fit-connect"} {
		if !slices.Contains(checked, want) {
			t.Errorf("the route tables read here lack /%s/: %v", want, checked)
		}
	}
	t.Logf("routed first segments: %v", checked)
}

// stringNames knows the string constants and variables of the module:
// names set in a file (also inside functions), package-level names of a
// package, and package-level names as other packages qualify them.
type stringNames struct {
	inFile    map[*ast.File]map[string][]string
	fileDir   map[*ast.File]string
	inPackage map[string]map[string][]string // directory → name → values
	qualified map[string][]string            // "web.StaticPrefix" → values
}

func newStringNames() *stringNames {
	return &stringNames{inFile: map[*ast.File]map[string][]string{}, fileDir: map[*ast.File]string{},
		inPackage: map[string]map[string][]string{}, qualified: map[string][]string{}}
}

// collect records every name of f that is set to a string literal.
func (s *stringNames) collect(dir string, f *ast.File) {
	local := map[string][]string{}
	s.inFile[f], s.fileDir[f] = local, dir
	if s.inPackage[dir] == nil {
		s.inPackage[dir] = map[string][]string{}
	}
	add := func(names []*ast.Ident, values []ast.Expr, topLevel bool) {
		for i, name := range names {
			if i >= len(values) {
				continue
			}
			lit, ok := values[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				continue
			}
			local[name.Name] = append(local[name.Name], v)
			if topLevel {
				s.inPackage[dir][name.Name] = append(s.inPackage[dir][name.Name], v)
				s.qualified[f.Name.Name+"."+name.Name] = append(s.qualified[f.Name.Name+"."+name.Name], v)
			}
		}
	}
	for _, decl := range f.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok {
			for _, spec := range gd.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					add(vs.Names, vs.Values, true)
				}
			}
		}
	}
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				add(n.Names, n.Values, false)
			case *ast.AssignStmt:
				var names []*ast.Ident
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names = append(names, id)
					}
				}
				if len(names) == len(n.Lhs) {
					add(names, n.Rhs, false)
				}
			}
			return true
		})
	}
}

// values evaluates a pattern expression in f: literals, concatenations,
// names of the file or its package, and qualified names of other packages.
func (s *stringNames) values(f *ast.File, e ast.Expr) []string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if v, err := strconv.Unquote(e.Value); err == nil && e.Kind == token.STRING {
			return []string{v}
		}
	case *ast.Ident:
		if v := s.inFile[f][e.Name]; len(v) > 0 {
			return v
		}
		return s.inPackage[s.fileDir[f]][e.Name]
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return s.qualified[x.Name+"."+e.Sel.Name]
		}
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return nil
		}
		var out []string
		for _, l := range s.values(f, e.X) {
			for _, r := range s.values(f, e.Y) {
				out = append(out, l+r)
			}
		}
		return out
	}
	return nil
}

// firstSegment is the first path segment of a ServeMux pattern
// ("POST /admin/x" → "admin", "/" → "").
func firstSegment(pattern string) string {
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = pattern[i+1:]
	}
	pattern = strings.TrimPrefix(pattern, "/")
	first, _, _ := strings.Cut(pattern, "/")
	return first
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return "an expression"
}
