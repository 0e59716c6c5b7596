package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sozialplattform/migrations/testdb"
	"sozialplattform/tenant/api"
)

// TestAPIConventions checks the generated OpenAPI document against the
// conventions the README's API section states, so that they hold for every
// oasOperation without an external linter:
//   - every oasOperation has a unique camelCase operationId and documents at
//     least one 4xx answer;
//   - every public oasOperation declares its security (security: [] when no
//     login is needed), every other one bearer or session;
//   - every list oasOperation (a GET of a collection whose JSON answer is an
//     array or holds an items array) pages: limit (1..500) and cursor
//     parameters, next in the body and the Link header – unless it declares
//     x-unpaged with the reason;
//   - filters are named alike: since/until are RFC 3339 instants (strings
//     of format date-time or strings documented as RFC 3339), no offset,
//     no page number.
func TestAPIConventions(t *testing.T) {
	t.Parallel()
	env := map[string]string{"SOZIALPLATTFORM_DB": testdb.DSN(t), "SOZIALPLATTFORM_LOG_LEVEL": "error"}
	out, err := runCLI(t, env, "", "openapi")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]oasOperation `json:"paths"`
		Components struct {
			Schemas map[string]oasSchema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	resolve := func(s *oasSchema) *oasSchema {
		for s != nil && s.Ref != "" {
			r, ok := doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
			if !ok {
				t.Fatalf("dangling reference %s", s.Ref)
			}
			s = &r
		}
		return s
	}
	camel := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	ids := map[string]string{}
	var lists, unpaged int
	for path, item := range doc.Paths {
		for method, op := range item {
			if !slices.Contains([]string{"get", "put", "post", "patch", "delete"}, method) {
				continue
			}
			where := strings.ToUpper(method) + " " + path
			if !camel.MatchString(op.OperationID) {
				t.Errorf("%s: operationId %q is not camelCase", where, op.OperationID)
			}
			if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s: operationId %q also names %s", where, op.OperationID, other)
			}
			ids[op.OperationID] = where
			if !slices.ContainsFunc(keys(op.Responses), func(c string) bool { return len(c) == 3 && c[0] == '4' }) {
				t.Errorf("%s: no 4xx answer documented (%v)", where, keys(op.Responses))
			}
			if op.Security == nil {
				t.Errorf("%s: security not declared (security: [] for a public oasOperation)", where)
			}
			for _, p := range op.Parameters {
				switch p.Name {
				case "offset", "page", "before", "below":
					t.Errorf("%s: parameter %q: lists page by limit and cursor, subtrees are named subtree", where, p.Name)
				case "since", "until":
					s := resolve(p.Schema)
					if s.Format != "date-time" && !strings.Contains(p.Description, "RFC 3339") {
						t.Errorf("%s: %s is not an RFC 3339 instant", where, p.Name)
					}
				}
			}
			if method != "get" || strings.HasSuffix(path, "}") {
				continue
			}
			body := op.jsonBody(resolve)
			if body == nil || !(body.isArray() || (body.Properties["items"] != nil && resolve(body.Properties["items"]).isArray())) {
				continue
			}
			if reason, ok := op.Extensions[api.UnpagedKey]; ok {
				if s, _ := reason.(string); len(s) < 20 {
					t.Errorf("%s: x-unpaged without a reason", where)
				}
				unpaged++
				continue
			}
			lists++
			limit, cursor := op.param("limit"), op.param("cursor")
			if limit == nil || cursor == nil {
				t.Errorf("%s: a list without limit and cursor parameters", where)
			} else if ls := resolve(limit.Schema); ls.Minimum == nil || *ls.Minimum != 1 || ls.Maximum == nil || *ls.Maximum != 500 {
				t.Errorf("%s: limit is not 1..500", where)
			}
			if body.isArray() || body.Properties["next"] == nil {
				t.Errorf("%s: the answer has no next field", where)
			}
			if ok := op.Responses["200"].Headers["Link"] != nil; !ok {
				t.Errorf("%s: the Link header is not documented", where)
			}
		}
	}
	if lists < 20 || unpaged == 0 {
		t.Errorf("found %d paged and %d unpaged lists: the test no longer recognises lists", lists, unpaged)
	}
	t.Logf("%d operations, %d paged lists, %d declared unpaged", len(ids), lists, unpaged)
}

type oasOperation struct {
	OperationID string              `json:"operationId"`
	Security    *[]map[string][]any `json:"security"`
	Parameters  []struct {
		Name        string     `json:"name"`
		In          string     `json:"in"`
		Description string     `json:"description"`
		Schema      *oasSchema `json:"schema"`
	} `json:"parameters"`
	Responses map[string]struct {
		Headers map[string]any `json:"headers"`
		Content map[string]struct {
			Schema *oasSchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
	Extensions map[string]any `json:"-"`
}

// UnmarshalJSON keeps the x- extensions beside the known fields.
func (o *oasOperation) UnmarshalJSON(b []byte) error {
	type plain oasOperation
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	o.Extensions = map[string]any{}
	for k, v := range all {
		if strings.HasPrefix(k, "x-") {
			o.Extensions[k] = v
		}
	}
	return nil
}

func (o oasOperation) param(name string) *struct {
	Name        string     `json:"name"`
	In          string     `json:"in"`
	Description string     `json:"description"`
	Schema      *oasSchema `json:"schema"`
} {
	for i := range o.Parameters {
		if o.Parameters[i].Name == name && o.Parameters[i].In == "query" {
			return &o.Parameters[i]
		}
	}
	return nil
}

func (o oasOperation) jsonBody(resolve func(*oasSchema) *oasSchema) *oasSchema {
	ok, found := o.Responses["200"]
	if !found {
		return nil
	}
	mt, found := ok.Content["application/json"]
	if !found || mt.Schema == nil {
		return nil
	}
	return resolve(mt.Schema)
}

type oasSchema struct {
	Ref        string                `json:"$ref"`
	Type       any                   `json:"type"`
	Format     string                `json:"format"`
	Minimum    *float64              `json:"minimum"`
	Maximum    *float64              `json:"maximum"`
	Properties map[string]*oasSchema `json:"properties"`
}

// isArray: huma writes nullable slices as type ["array", "null"].
func (s *oasSchema) isArray() bool {
	switch t := s.Type.(type) {
	case string:
		return t == "array"
	case []any:
		return slices.Contains(t, any("array"))
	}
	return false
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
