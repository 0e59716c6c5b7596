package tenant

import "context"

// Actor is who causes a change: a user, an API token or the system itself.
// It travels in the request context so that the audit log can name it.
type Actor struct {
	ID        string // "user:…", "token:…" or "system"
	Label     string // e-mail address, token name or job name
	RequestID string
}

type actorKey struct{}

// WithActor returns a context that names the actor of the changes made in it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{ID: "system", Label: "System"}
}
