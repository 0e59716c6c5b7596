// Package apitest runs a domain's huma operations in a test as the server
// serves them – behind the guard that checks each operation's declared
// access, with the request bodies checked – and sends requests as an
// account or anonymously. Login itself (session cookie, bearer token) is
// tenant/api's and the server's test; here a principal in the request's
// context stands for it, as the authenticator puts it there.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

// New returns a test API with the server's middleware (huma context,
// guard, body checks) on which register puts the domain's operations; an
// operation without declared access fails the test.
func New(t *testing.T, az *authz.Authorizer, store *tenant.Store, register func(huma.API)) humatest.TestAPI {
	t.Helper()
	_, humaAPI := humatest.New(t)
	humaAPI.UseMiddleware(api.KeepHumaContext, api.NewGuard(humaAPI, az, store).Middleware, api.CheckBodies(humaAPI))
	register(humaAPI)
	if err := api.MustDeclareAccess(humaAPI); err != nil {
		t.Fatal(err)
	}
	return humaAPI
}

// Caller sends requests as one account, or anonymously.
type Caller struct {
	t   *testing.T
	api humatest.TestAPI
	ctx context.Context
}

// Anonymous sends requests without a login.
func Anonymous(t *testing.T, humaAPI humatest.TestAPI) *Caller {
	return &Caller{t: t, api: humaAPI, ctx: fromClient(context.Background())}
}

// ClientAddr is the address every caller sends from (TEST-NET-1, as
// httptest's requests).
const ClientAddr = "192.0.2.1"

// fromClient records ClientAddr in ctx as the server's web.RealIP does
// before the API (limits per address read it).
func fromClient(ctx context.Context) context.Context {
	r := httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx)
	r.RemoteAddr = ClientAddr + ":4711"
	web.RealIP(false)(http.HandlerFunc(func(_ http.ResponseWriter, rr *http.Request) { ctx = rr.Context() })).ServeHTTP(httptest.NewRecorder(), r)
	return ctx
}

// As sends requests as the account with the address: the principal for
// the guard, the actor for the audit log and every "changed by".
func As(t *testing.T, humaAPI humatest.TestAPI, store *tenant.Store, email string) *Caller {
	t.Helper()
	u, err := store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("account %s: %v", email, err)
	}
	p := authz.Principal{UserID: u.ID, Label: email}
	ctx := tenant.WithActor(authz.WithPrincipal(fromClient(context.Background()), p), tenant.Actor{ID: p.Subject(), Label: email})
	return &Caller{t: t, api: humaAPI, ctx: ctx}
}

// Do sends a JSON request (no body when body is nil) and decodes a 2xx
// answer into out (if not nil); it returns status and body.
func (c *Caller) Do(method, path string, body, out any) (int, string) {
	c.t.Helper()
	var args []any
	if body != nil {
		args = append(args, body)
	}
	resp := c.api.DoCtx(c.ctx, method, path, args...)
	raw := resp.Body.String()
	if out != nil && resp.Code < 300 && raw != "" {
		if err := json.Unmarshal([]byte(raw), out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.Code, raw
}

// Must is Do that fails the test unless the status is want.
func (c *Caller) Must(want int, method, path string, body, out any) string {
	c.t.Helper()
	status, raw := c.Do(method, path, body, out)
	if status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	return raw
}

// Send sends a body of the content type as it is and returns status,
// headers and body.
func (c *Caller) Send(method, path, contentType string, body []byte) (int, http.Header, string) {
	c.t.Helper()
	var args []any
	if contentType != "" {
		args = append(args, "Content-Type: "+contentType)
	}
	if body != nil {
		args = append(args, io.Reader(bytes.NewReader(body)))
	}
	resp := c.api.DoCtx(c.ctx, method, path, args...)
	return resp.Code, resp.Header(), resp.Body.String()
}

// Upload sends a file as multipart/form-data in the field and returns
// status and body.
func (c *Caller) Upload(path, field, filename string, data []byte) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile(field, filename)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		c.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	status, _, raw := c.Send(http.MethodPost, path, w.FormDataContentType(), body.Bytes())
	return status, raw
}

// Get sends a GET and returns status, headers and body.
func (c *Caller) Get(path string) (int, http.Header, []byte) {
	c.t.Helper()
	resp := c.api.DoCtx(c.ctx, http.MethodGet, path)
	return resp.Code, resp.Header(), resp.Body.Bytes()
}
