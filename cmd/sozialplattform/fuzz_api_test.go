package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
)

// bodyOperation is an operation of the OpenAPI document that takes a JSON
// body, with its path parameters filled in.
type bodyOperation struct {
	method, path string
	example      []byte // a body built from the schema, a start for the fuzzer
}

// bodyOperations lists every operation with a JSON request body, in a
// fixed order. The tenant parameter names the Land (the caller is the
// ministry, so the guard lets the request through to huma's decoding);
// other parameters name nothing, which the handlers answer with 404 once
// the body has passed.
func bodyOperations(tb testing.TB, a *app, landID string) []bodyOperation {
	tb.Helper()
	humaAPI, err := newAPI(http.NewServeMux(), a)
	if err != nil {
		tb.Fatal(err)
	}
	reg := humaAPI.OpenAPI().Components.Schemas
	var ops []bodyOperation
	for path, item := range humaAPI.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil || op.RequestBody == nil || op.RequestBody.Content["application/json"] == nil {
				continue
			}
			filled := path
			for _, p := range op.Parameters {
				if p.In != "path" {
					continue
				}
				v := "01934b5c-0000-7000-8000-000000000000"
				if p.Name == "tenantId" {
					v = landID
				} else if p.Schema != nil && len(p.Schema.Enum) > 0 {
					v, _ = p.Schema.Enum[0].(string)
				}
				filled = strings.ReplaceAll(filled, "{"+p.Name+"}", v)
			}
			example, _ := json.Marshal(exampleValue(reg, op.RequestBody.Content["application/json"].Schema, 0))
			ops = append(ops, bodyOperation{method: op.Method, path: "/api" + filled, example: example})
		}
	}
	slices.SortFunc(ops, func(x, y bodyOperation) int { return strings.Compare(x.path+x.method, y.path+y.method) })
	if len(ops) < 30 {
		tb.Fatalf("only %d operations with a JSON body", len(ops))
	}
	return ops
}

// exampleValue builds a plausible value for a schema: the first enum value,
// a string of the right format, every property of an object.
func exampleValue(reg huma.Registry, s *huma.Schema, depth int) any {
	for s != nil && s.Ref != "" {
		s = reg.SchemaFromRef(s.Ref)
	}
	if s == nil || depth > 6 {
		return nil
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	switch s.Type {
	case "object":
		out := map[string]any{}
		for name, p := range s.Properties {
			if p.ReadOnly {
				continue
			}
			out[name] = exampleValue(reg, p, depth+1)
		}
		return out
	case "array":
		return []any{exampleValue(reg, s.Items, depth+1)}
	case "integer", "number":
		if s.Minimum != nil {
			return *s.Minimum
		}
		return 1
	case "boolean":
		return true
	case "string":
		switch s.Format {
		case "email":
			return "fuzz@example.org"
		case "date-time":
			return "2027-01-04T10:00:00Z"
		case "date":
			return "2027-01-04"
		case "uri":
			return "https://example.org/"
		}
		return "Sozialplattform"
	}
	return nil
}

// FuzzAPIRequestBodies sends fuzzed JSON bodies to every operation that
// takes one, as the ministry (which may call nearly all of them). Whatever
// the body, the answer is no 5xx, and an error answer is problem JSON
// below 16 KB with at most 20 details that echo no value.
func FuzzAPIRequestBodies(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds over every operation: full suite only")
	}
	a, srv := benchApp(f)
	ctx := context.Background()
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		f.Fatal(err)
	}
	_, secret, err := a.store.CreateAPIToken(ctx, land.ID, "Fuzzing", tenant.RoleMinistryAdmin, nil)
	if err != nil {
		f.Fatal(err)
	}
	ops := bodyOperations(f, a, land.ID)
	for i, op := range ops {
		f.Add(uint16(i), op.example)
		f.Add(uint16(i), []byte(`{}`))
	}
	f.Add(uint16(0), []byte(`{"a":"\u0000"}`))
	f.Add(uint16(1), []byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]`))
	f.Add(uint16(2), []byte(`{"x":1e400}`))
	client := &http.Client{}
	f.Fuzz(func(t *testing.T, i uint16, body []byte) {
		op := ops[int(i)%len(ops)]
		req, err := http.NewRequest(op.method, srv.URL+op.path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s with %q: %d %s", op.method, op.path, body, resp.StatusCode, raw)
		}
		if resp.StatusCode < 400 {
			return
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s %s: %d answered as %q", op.method, op.path, resp.StatusCode, ct)
		}
		if len(raw) >= maxProblemBytes {
			t.Fatalf("%s %s with %d bytes: answer of %d bytes", op.method, op.path, len(body), len(raw))
		}
		var p hostileProblem
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("%s %s: answer is no problem: %v", op.method, op.path, err)
		}
		if len(p.Errors) > api.MaxProblemDetails {
			t.Fatalf("%s %s: %d details", op.method, op.path, len(p.Errors))
		}
		for _, e := range p.Errors {
			if e.Value != nil {
				t.Fatalf("%s %s: detail %q echoes a value", op.method, op.path, e.Location)
			}
		}
	})
}
