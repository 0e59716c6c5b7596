package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
)

// maxProblemBytes is what an error answer may take at most, whatever the
// request held.
const maxProblemBytes = 16 << 10

// manyKeys is a JSON object with the fields of a valid-looking request
// and n unknown keys ("k0": 1, …) – the body that once made one answer
// grow with the square of n.
func manyKeys(fields string, n int) []byte {
	var b strings.Builder
	b.WriteString("{" + fields)
	for i := range n {
		if i > 0 || fields != "" {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":1`, i)
	}
	b.WriteString("}")
	return []byte(b.String())
}

// manyItems is {"<field>": [item, item, …]} with n items.
func manyItems(field, item string, n int) []byte {
	return []byte(`{"` + field + `":[` + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + `]}`)
}

// hostileProblem is an error answer as the attacker reads it.
type hostileProblem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
		Value    any    `json:"value"`
	} `json:"errors"`
}

// TestHostileBodiesGetSmallAnswers sends the attack of issue 13 (one small
// body with thousands of unknown keys, or arrays of thousands of wrong
// items) to public and staff operations: every answer is a problem with
// at most 20 details, none echoing a value, and stays below 16 KB.
func TestHostileBodiesGetSmallAnswers(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("hostile bodies at scale: full suite only")
	}
	a, srv := testApp(t)
	ctx := context.Background()
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		t.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	anonymous := newClient(t, srv.URL)
	ministry := newClient(t, srv.URL)
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	login := `"email":"ministerium@demo.example","password":"falsch-falsch-falsch"`
	longKey := `{"` + strings.Repeat("ä<\\\"", 60000) + `":1}`
	tests := []struct {
		name         string
		c            *client
		method, path string
		body         []byte
		status       int
		errors       int    // details the request deserves; at most 20 are listed
		detail       string // in the detail text
	}{
		{"2,000 keys to the login", anonymous, "POST", "/api/v1/session", manyKeys(login, 2000), 422, 2000, "20 von 2000"},
		{"50,000 keys to the login", anonymous, "POST", "/api/v1/session", manyKeys(login, 50000), 413, 1, "mehr als 10000 Einträge"},
		{"2,000 keys to a registration", anonymous, "POST", "/api/v1/registrations", manyKeys("", 2000), 422, 2000, "von 20"},
		{"50,000 keys to a registration", anonymous, "POST", "/api/v1/registrations", manyKeys("", 50000), 413, 1, "Einträge"},
		{"2,000 keys to a password reset", anonymous, "POST", "/api/v1/password-resets", manyKeys(`"email":"a@b.de"`, 2000), 422, 2000, "20 von 2000"},
		{"2,000 answers to the finder", anonymous, "POST", "/api/v1/finder/evaluate", manyKeys(`"answers":{}`, 2000), 422, 2000, "20 von 2000"},
		{"2,000 keys to a tenant", ministry, "PATCH", "/api/v1/tenants/" + harz.ID, manyKeys(`"name":"Landkreis Harz"`, 2000), 422, 2000, "20 von 2000"},
		{"50,000 keys to a tenant", ministry, "PATCH", "/api/v1/tenants/" + harz.ID, manyKeys(`"name":"Landkreis Harz"`, 50000), 413, 1, "Einträge"},
		{"3,000 empty contacts", ministry, "PATCH", "/api/v1/tenants/" + harz.ID, manyItems("contacts", "{}", 3000), 422, 3000, "von"},
		{"9,000 wrong addresses", ministry, "POST", "/api/v1/tenants/" + land.ID + "/counselling-centres", manyItems("addresses", "1", 9000), 422, 9000, "von"},
		{"deep nesting", ministry, "POST", "/api/v1/tenants/" + land.ID + "/counselling-centres", []byte(strings.Repeat("[", 40) + strings.Repeat("]", 40)), 413, 1, "verschachtelt"},
		{"a 240 KB key", anonymous, "POST", "/api/v1/session", []byte(longKey), 422, 3, ""},
		{"600 KB of broken JSON", anonymous, "POST", "/api/v1/session", []byte(`{"email":"` + strings.Repeat("x", 600<<10)), 400, 1, ""},
		{"a NUL character", anonymous, "POST", "/api/v1/session", []byte(`{"email":"a\u0000@b.de","password":"x"}`), 422, 1, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, header, raw := tt.c.csRaw(tt.method, tt.path, "application/json", tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", status, tt.status, raw)
			}
			if len(raw) >= maxProblemBytes {
				t.Errorf("answer of %d bytes to a body of %d bytes, want < %d", len(raw), len(tt.body), maxProblemBytes)
			}
			if ct := header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p hostileProblem
			if err := json.Unmarshal([]byte(raw), &p); err != nil {
				t.Fatalf("answer is no problem: %v", err)
			}
			if want := min(tt.errors, api.MaxProblemDetails); len(p.Errors) != want {
				t.Errorf("%d error details, want %d", len(p.Errors), want)
			}
			for _, e := range p.Errors {
				if e.Value != nil {
					t.Fatalf("detail %q echoes a value", e.Location)
				}
			}
			if !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail %q lacks %q", p.Detail, tt.detail)
			}
		})
	}
}

// BenchmarkHostileBodies measures the answer to the worst bodies under the
// 1 MiB limit, one request at a time through the whole stack: the time
// per request, the CPU time the process spent on it (cpu-ms/op, telling
// on a busy machine where ns/op includes waiting), the memory allocated
// (B/op, allocs/op; client and server share the process) and the
// answer's size.
func BenchmarkHostileBodies(b *testing.B) {
	a, srv := benchApp(b)
	ctx := context.Background()
	land, err := a.store.ResolveTenant(ctx, "15")
	if err != nil {
		b.Fatal(err)
	}
	harz, err := a.store.ResolveTenant(ctx, "15085")
	if err != nil {
		b.Fatal(err)
	}
	_, secret, err := a.store.CreateAPIToken(ctx, land.ID, "Benchmark", tenant.RoleMinistryAdmin, nil)
	if err != nil {
		b.Fatal(err)
	}
	login := `"email":"ministerium@demo.example","password":"falsch-falsch-falsch"`
	cases := []struct {
		name, method, path, bearer string
		body                       []byte
	}{
		{"login-2000-keys", "POST", "/api/v1/session", "", manyKeys(login, 2000)},
		{"login-9990-keys", "POST", "/api/v1/session", "", manyKeys(login, 9990)},
		{"login-50000-keys", "POST", "/api/v1/session", "", manyKeys(login, 50000)},
		{"login-85000-keys-1MiB", "POST", "/api/v1/session", "", manyKeys(login, 85000)},
		{"tenant-9990-empty-contacts", "PATCH", "/api/v1/tenants/" + harz.ID, secret, manyItems("contacts", "{}", 9990)},
		{"tenant-9990-wrong-contacts", "PATCH", "/api/v1/tenants/" + harz.ID, secret, manyItems("contacts", `{"name":1,"email":2,"phone":3,"x":4}`, 1990)},
		{"login-broken-1MiB", "POST", "/api/v1/session", "", []byte(`{"email":"` + strings.Repeat("x", 1<<20-100))},
	}
	client := &http.Client{}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var size int
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				req, _ := http.NewRequest(c.method, srv.URL+c.path, bytes.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				if c.bearer != "" {
					req.Header.Set("Authorization", "Bearer "+c.bearer)
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode < 400 || resp.StatusCode >= 500 {
					b.Fatalf("status %d", resp.StatusCode)
				}
				size = int(n)
			}
			b.ReportMetric(float64(size), "answer-bytes")
			b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N)/1000, "cpu-ms/op")
		})
	}
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
