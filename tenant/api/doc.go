// Package api is the JSON API of the platform core under /api/v1 (huma v2)
// and the plumbing every domain's API shares: each operation declares its
// Access (object, action, and which path parameter names the tenant), one
// middleware enforces it through casbin, and store errors become RFC 9457
// problems with field locations. Hostile input stays cheap: CheckBodies
// refuses JSON bodies of absurd shape before huma decodes them, and
// BoundProblems keeps every error answer small and free of echoed values.
package api
