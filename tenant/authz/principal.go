package authz

import "context"

// Principal is who makes a request: a logged-in user or an API token.
type Principal struct {
	UserID  string // set for users
	TokenID string // set for API tokens
	Label   string // e-mail address or token name, for the audit log
}

// Subject is the principal's casbin subject.
func (p Principal) Subject() string {
	if p.TokenID != "" {
		return tokenPrefix + p.TokenID
	}
	return userPrefix + p.UserID
}

// IsZero reports whether nobody is authenticated.
func (p Principal) IsZero() bool { return p.UserID == "" && p.TokenID == "" }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the context's principal; IsZero when anonymous.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}
