// Package i18ntest finds the message keys a package uses, so that a test
// beside the package can check that the catalogues hold every one of
// them.
package i18ntest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// GoKeys returns the string literals passed as argument arg (counted from
// 0) to a call of a function or method named in funcs, in the non-test Go
// files of dir: GoKeys(".", 0, "T", "Tf") finds "a.b" in cat.T("a.b"). A
// key built at run time ("finder.q."+id) is not a literal and is not
// found; those need their own check.
func GoKeys(dir string, arg int, funcs ...string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []string
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, fmt.Errorf("i18ntest: %w", err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) <= arg {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			if !slices.Contains(funcs, fn) {
				return true
			}
			if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && s != "" {
					out = append(out, s)
				}
			}
			return true
		})
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// TemplateKeys returns the keys templates under root in fsys pass as a
// literal to one of funcs: {{t "a.b"}}, {{tf "a.c" .N}}, (tfi "a.d" …).
func TemplateKeys(fsys fs.FS, root string, funcs ...string) ([]string, error) {
	quoted := make([]string, len(funcs))
	for i, f := range funcs {
		quoted[i] = regexp.QuoteMeta(f)
	}
	used := regexp.MustCompile(`(?:\{\{-?|\(|\|)\s*(?:` + strings.Join(quoted, "|") + `)\s+"([^"]+)"`)
	var out []string
	err := fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(raw), -1) {
			out = append(out, m[1])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("i18ntest: %w", err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
