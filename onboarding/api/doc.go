// Package api is onboarding's part of the JSON API (huma v2): onboarding
// cases with checklist, attachments and phases, the rollout report
// ("Umsetzungsstand") with CSV export, the Fachverfahren matrix, checklist
// templates, Sprechstunden with attendance and the iCalendar feed. Every
// operation declares its access rule (tenant/api.Access); objects addressed
// by their own ID answer 404 when they belong to a tenant the caller may
// not see.
package api
