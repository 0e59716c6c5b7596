package web

import (
	"context"
	"log/slog"
	"net/http"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

type testCtxKey struct{}

// copyRequest stands for any middleware that hands on a copy of the request
// (r.WithContext), so that the ServeMux sets Pattern on a request the outer
// middleware never sees.
func copyRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), testCtxKey{}, "x")))
	})
}
