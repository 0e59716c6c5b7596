// Package onboarding serves onboarding's console pages: a municipality's
// onboarding cases with checklist, attachments, phases and go-live, the
// responsibility of Gemeinden, the Sprechstunden, the Fachverfahren
// matrix, the catalogue of Antragsstrecken, checklist templates, the
// calendar subscriptions and the ministry's rollout dashboard. Its routes
// are in admin/routes.go.
package onboarding
