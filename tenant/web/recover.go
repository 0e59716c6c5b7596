package web

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panic in a handler into a 500 answer: problem JSON for
// paths under /api/, a short German HTML page elsewhere. The panic is logged
// at level Error with its stack and the request ID.
//
// If the handler had already started its answer, nothing more is written;
// Recover then aborts the request with http.ErrAbortHandler so the server
// closes the connection and the client sees a broken answer instead of a
// truncated one that looks complete. A panic with http.ErrAbortHandler itself
// is passed on unlogged.
func Recover(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &statusWriter{ResponseWriter: w}
			inner, holder := withRouteHolder(r)
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic",
					slog.Any("panic", p),
					slog.String("stack", string(debug.Stack())),
					slog.String("method", r.Method),
					slog.String("path", holder.redacted(inner)),
					slog.String("request_id", RequestIDFrom(r.Context())),
				)
				if sw.wroteHeader {
					panic(http.ErrAbortHandler)
				}
				// Drop what the handler meant for its own answer.
				h := w.Header()
				for _, k := range []string{"Content-Disposition", "Content-Encoding", "Content-Length",
					"Content-Range", "ETag", "Last-Modified", "Location", "Set-Cookie", "Trailer"} {
					h.Del(k)
				}
				h.Set("Cache-Control", "no-store")
				writeError(sw, r, http.StatusInternalServerError, "Interner Fehler",
					"Bei der Bearbeitung Ihrer Anfrage ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.")
			}()
			next.ServeHTTP(sw, inner)
		})
	}
}
