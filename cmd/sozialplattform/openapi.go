package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
)

// openapiCmd prints the OpenAPI 3.1 document. It builds the API on a
// throw-away in-memory database, so it needs no configuration.
func openapiCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := parseConfig("openapi", args, func(k string) string {
		if k == "SOZIALPLATTFORM_DB" || k == "DATABASE_URL" {
			return ""
		}
		return getenv(k)
	}, nil)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sozialplattform-openapi-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg.DB, cfg.DataDir = filepath.Join(dir, "openapi.sqlite"), dir
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer a.close()
	humaAPI, err := newAPI(http.NewServeMux(), a)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(humaAPI.OpenAPI())
}
