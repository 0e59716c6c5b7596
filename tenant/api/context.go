package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant/web"
)

type humaCtxKey struct{}

// KeepHumaContext is a huma middleware that makes the huma.Context
// reachable from the handler's context, for the few handlers that must
// touch the raw request or response (cookies).
func KeepHumaContext(ctx huma.Context, next func(huma.Context)) {
	next(huma.WithValue(ctx, humaCtxKey{}, ctx))
}

func humaContext(ctx context.Context) huma.Context {
	return ctx.Value(humaCtxKey{}).(huma.Context)
}

// clientIP is the client's address as web.RealIP recorded it.
func clientIP(r *http.Request) string { return web.ClientIPFrom(r.Context()) }
