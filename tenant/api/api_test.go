package api_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"

	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
)

func TestProblemMapsStoreErrorsToStatuses(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	var fe tenant.FieldErrors
	fe.Add("officialKey", "Der amtliche Schlüssel ist bereits vergeben.")
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"field errors", fe, 422},
		{"wrapped field errors", fmt.Errorf("create: %w", fe), 422},
		{"not found", fmt.Errorf("tenant x: %w", tenant.ErrNotFound), 404},
		{"stale version", tenant.ErrStaleVersion, 409},
		{"wrong password", tenant.ErrInvalidLogin, 401},
		{"throttled", tenant.ErrThrottled, 429},
		{"used token", tenant.ErrTokenInvalid, 410},
		{"database unreachable", fmt.Errorf("query: %w", driver.ErrBadConn), 503},
		{"postgres gone", fmt.Errorf("query: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), 503},
		{"a bug", errors.New("nil map"), 500},
	}
	for _, tt := range tests {
		err := api.Problem(context.Background(), logger, tt.err)
		var se huma.StatusError
		if !errors.As(err, &se) || se.GetStatus() != tt.want {
			t.Errorf("%s: %v, want status %d", tt.name, err, tt.want)
		}
	}
	var model *huma.ErrorModel
	if !errors.As(api.Problem(context.Background(), logger, fe), &model) || len(model.Errors) != 1 || model.Errors[0].Location != "body.officialKey" {
		t.Errorf("field location lost: %+v", model)
	}
}

func TestOperationWithoutAccessIsRefused(t *testing.T) {
	t.Parallel()
	_, humaAPI := humatest.New(t)
	huma.Register(humaAPI, huma.Operation{OperationID: "unguarded", Method: http.MethodGet, Path: "/x"},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
	if err := api.MustDeclareAccess(humaAPI); err == nil || !strings.Contains(err.Error(), "/x") {
		t.Fatalf("MustDeclareAccess: %v", err)
	}
	guard := api.NewGuard(humaAPI, nil, nil)
	_, guarded := humatest.New(t)
	guarded.UseMiddleware(guard.Middleware)
	huma.Register(guarded, huma.Operation{OperationID: "unguarded", Method: http.MethodGet, Path: "/x"},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
	api.Register(guarded, huma.Operation{OperationID: "public", Method: http.MethodGet, Path: "/p"}, api.Access{Public: true},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
	api.Register(guarded, huma.Operation{OperationID: "private", Method: http.MethodGet, Path: "/q"}, api.Access{Obj: "tenant", Act: "read"},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
	srv := httptest.NewServer(guarded.Adapter())
	defer srv.Close()
	for path, want := range map[string]int{"/x": 500, "/p": 204, "/q": 401} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestDocsPageListsOperationsWithoutScript(t *testing.T) {
	t.Parallel()
	_, humaAPI := humatest.New(t)
	api.Register(humaAPI, huma.Operation{OperationID: "listThings", Method: http.MethodGet, Path: "/v1/things",
		Summary: "Dinge auflisten", Tags: []string{"Dinge"}}, api.Access{Public: true},
		func(ctx context.Context, _ *struct {
			Q string `query:"q" doc:"Suchtext"`
		}) (*struct{}, error) {
			return nil, nil
		})
	h, err := api.DocsHandler(humaAPI, []string{"/static/app.css"})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/docs", nil))
	body, _ := io.ReadAll(rec.Body)
	page := string(body)
	for _, want := range []string{`lang="de"`, "GET /api/v1/things", "Dinge auflisten", "Suchtext", "Ohne Anmeldung", "/static/app.css"} {
		if !strings.Contains(page, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("docs page carries a script")
	}
}
