// Package admin is the console surface for ministry, municipalities and
// Beratungsstellen: server-rendered HTML pages under /admin/ for logging in,
// the tenant tree, tenant details, members, invitations, API tokens, the
// audit log, the mail outbox ("Postausgang"), the background jobs and the
// own account.
//
// Pages are html/template files embedded in the binary and parsed once at
// start into one template set per page (layout plus page); a request only
// executes them. The console uses the KERN UX stylesheet and works without
// JavaScript. Every route checks access through the casbin Authorizer with
// the same object/action pairs as the JSON API, and every POST form carries
// a session-bound CSRF token.
package admin
