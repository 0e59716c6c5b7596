// Package admin is the console surface for ministry, municipalities and
// Beratungsstellen: server-rendered HTML pages under /admin/ (and the
// public marketplace under /marktplatz/). The package itself only composes
// the console and holds its one route table (routes.go), which states for
// every route its login, access, form token, body limit, public access and
// secret path segments; the pages live in one package per domain:
//
//   - ui: the shell every page package stands on – layout and navigation,
//     page sets and rendering, login and form-token wrappers, form
//     handling with messages next to the fields, error pages, downloads;
//   - core: the platform core's pages – login and passwords, the tenant
//     tree and tenant details, members, invitations, API tokens, the audit
//     log, the Postausgang, the background jobs and the own account. They
//     have a package of their own (rather than living in the shell) so that
//     the shell stays a kit with no pages but the error page;
//   - market, onboarding, delivery, counselling, applications: the
//     domains' pages (marketplace; onboarding cases, Sprechstunden,
//     Fachverfahren, rollout; delivery and mailbox; Beratungsstellen and
//     appointments; submitted applications);
//   - portalconfig: a tenant's settings of its citizen portal.
//
// Page packages import ui and their domains, never admin itself nor the
// citizen portal's surface (portal/web). Pages are html/template files
// embedded by the package that owns them and parsed once at start; a
// request only executes them. The console uses the KERN UX stylesheet and
// works without JavaScript. Access is checked through the casbin
// Authorizer with the same object/action pairs as the JSON API, and every
// POST form carries a session-bound form token.
package admin
