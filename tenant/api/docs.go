package api

import (
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// DocsHandler renders the API documentation from the OpenAPI document as
// plain HTML: no script and no CDN, so that it works in an authority's
// closed network and for screen readers. stylesheet is the URL of the
// console's stylesheet.
func DocsHandler(api huma.API, stylesheets []string) (http.Handler, error) {
	tmpl, err := template.New("docs").Parse(docsTemplate)
	if err != nil {
		return nil, err
	}
	page := buildDocs(api.OpenAPI(), stylesheets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := tmpl.Execute(w, page); err != nil {
			http.Error(w, "Interner Fehler", http.StatusInternalServerError)
		}
	}), nil
}

type docsPage struct {
	Title, Version, Description string
	Stylesheets                 []string
	Groups                      []docsGroup
}

type docsGroup struct {
	Tag, Description string
	Ops              []docsOp
}

type docsOp struct {
	ID, Method, Path, Summary, Description string
	Public                                 bool
	Params                                 []docsParam
	Body                                   []docsParam
	Responses                              []string
}

type docsParam struct {
	Name, In, Type, Doc string
	Required            bool
}

func buildDocs(doc *huma.OpenAPI, stylesheets []string) docsPage {
	page := docsPage{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description, Stylesheets: stylesheets}
	groups := map[string]*docsGroup{}
	var order []string
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths[path]
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			tag := "Allgemein"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g := groups[tag]
			if g == nil {
				g = &docsGroup{Tag: tag}
				for _, t := range doc.Tags {
					if t.Name == tag {
						g.Description = t.Description
					}
				}
				groups[tag] = g
				order = append(order, tag)
			}
			access, _ := AccessOf(op)
			d := docsOp{ID: op.OperationID, Method: op.Method, Path: "/api" + path, Summary: op.Summary,
				Description: op.Description, Public: access.Public}
			for _, p := range op.Parameters {
				d.Params = append(d.Params, docsParam{Name: p.Name, In: p.In, Type: schemaType(doc, p.Schema), Doc: p.Description, Required: p.Required})
			}
			if op.RequestBody != nil {
				if mt := op.RequestBody.Content["application/json"]; mt != nil && mt.Schema != nil {
					s := resolve(doc, mt.Schema)
					names := make([]string, 0, len(s.Properties))
					for n := range s.Properties {
						if n != "$schema" {
							names = append(names, n)
						}
					}
					sort.Strings(names)
					for _, n := range names {
						ps := s.Properties[n]
						d.Body = append(d.Body, docsParam{Name: n, Type: schemaType(doc, ps), Doc: resolve(doc, ps).Description,
							Required: slices.Contains(s.Required, n)})
					}
				}
			}
			codes := make([]string, 0, len(op.Responses))
			for code := range op.Responses {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			d.Responses = codes
			g.Ops = append(g.Ops, d)
		}
	}
	// Groups follow the order of the document's tag list, then the rest.
	var sorted []string
	for _, t := range doc.Tags {
		if groups[t.Name] != nil {
			sorted = append(sorted, t.Name)
		}
	}
	for _, tag := range order {
		if !slices.Contains(sorted, tag) {
			sorted = append(sorted, tag)
		}
	}
	for _, tag := range sorted {
		page.Groups = append(page.Groups, *groups[tag])
	}
	return page
}

func resolve(doc *huma.OpenAPI, s *huma.Schema) *huma.Schema {
	if s != nil && s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		if r := doc.Components.Schemas.Map()[name]; r != nil {
			return r
		}
	}
	if s == nil {
		return &huma.Schema{}
	}
	return s
}

func schemaType(doc *huma.OpenAPI, s *huma.Schema) string {
	r := resolve(doc, s)
	t := r.Type
	if t == "array" && r.Items != nil {
		t = "array of " + schemaType(doc, r.Items)
	}
	if len(r.Enum) > 0 {
		vals := make([]string, len(r.Enum))
		for i, v := range r.Enum {
			vals[i], _ = v.(string)
		}
		t += " (" + strings.Join(vals, " | ") + ")"
	}
	if r.Format != "" {
		t += ", " + r.Format
	}
	if t == "" {
		t = "object"
	}
	return t
}

const docsTemplate = `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API-Dokumentation – {{.Title}}</title>
{{range .Stylesheets}}<link rel="stylesheet" href="{{.}}">
{{end}}</head>
<body>
<a class="app-skip-link" href="#inhalt">Zum Inhalt springen</a>
<main id="inhalt" class="app-main kern-container">
<h1 class="kern-heading-large">{{.Title}}</h1>
<p>Version {{.Version}}</p>
<p>{{.Description}}</p>
<p>Maschinenlesbar: <a href="/api/openapi.json">OpenAPI 3.1 (JSON)</a> · <a href="/api/openapi.yaml">YAML</a></p>
<nav aria-label="Bereiche der API"><ul>{{range .Groups}}<li><a href="#{{.Tag}}">{{.Tag}}</a></li>{{end}}</ul></nav>
{{range .Groups}}
<section aria-labelledby="{{.Tag}}">
<h2 id="{{.Tag}}">{{.Tag}}</h2>
{{with .Description}}<p>{{.}}</p>{{end}}
{{range .Ops}}
<article aria-labelledby="op-{{.ID}}">
<h3 id="op-{{.ID}}"><code>{{.Method}} {{.Path}}</code> – {{.Summary}}</h3>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p>{{if .Public}}Ohne Anmeldung.{{else}}Anmeldung: Sitzungs-Cookie oder <code>Authorization: Bearer spt_…</code>.{{end}}
Antworten: {{range $i, $c := .Responses}}{{if $i}}, {{end}}<code>{{$c}}</code>{{end}}.</p>
{{if .Params}}<div class="kern-table-responsive"><table class="kern-table kern-table--small"><caption>Parameter</caption>
<thead class="kern-table__header"><tr class="kern-table__row"><th class="kern-table__cell" scope="col">Name</th><th class="kern-table__cell" scope="col">Ort</th><th class="kern-table__cell" scope="col">Typ</th><th class="kern-table__cell" scope="col">Beschreibung</th></tr></thead>
<tbody class="kern-table__body">{{range .Params}}<tr class="kern-table__row"><th class="kern-table__cell" scope="row"><code>{{.Name}}</code>{{if .Required}} *{{end}}</th><td class="kern-table__cell">{{.In}}</td><td class="kern-table__cell">{{.Type}}</td><td class="kern-table__cell">{{.Doc}}</td></tr>{{end}}</tbody></table></div>{{end}}
{{if .Body}}<div class="kern-table-responsive"><table class="kern-table kern-table--small"><caption>JSON-Körper</caption>
<thead class="kern-table__header"><tr class="kern-table__row"><th class="kern-table__cell" scope="col">Feld</th><th class="kern-table__cell" scope="col">Typ</th><th class="kern-table__cell" scope="col">Beschreibung</th></tr></thead>
<tbody class="kern-table__body">{{range .Body}}<tr class="kern-table__row"><th class="kern-table__cell" scope="row"><code>{{.Name}}</code>{{if .Required}} *{{end}}</th><td class="kern-table__cell">{{.Type}}</td><td class="kern-table__cell">{{.Doc}}</td></tr>{{end}}</tbody></table></div>{{end}}
</article>
{{end}}
</section>
{{end}}
<p>Fehler kommen als <code>application/problem+json</code> (RFC 9457) mit <code>errors[].location</code> für jedes Feld. * = Pflichtangabe.</p>
</main>
</body>
</html>`
