package web

import (
	"context"
	"net/http"

	"github.com/google/uuid"
)

// RequestIDHeader is the header that carries the request ID in and out.
const RequestIDHeader = "X-Request-ID"

const maxRequestIDLen = 64

// RequestID gives every request an ID: the incoming X-Request-ID when it is
// at most 64 characters of [A-Za-z0-9-_.] (as set by a proxy in front),
// otherwise a new UUID. The ID is put into the context (RequestIDFrom) and
// the X-Request-ID response header.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = uuid.NewString()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// RequestIDFrom returns the request ID RequestID put into ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}
