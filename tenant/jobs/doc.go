// Package jobs owns the platform's scheduled background work: a registry of
// named cron jobs (robfig/cron) that run under the application's root
// context, skip a run while the previous one still runs, survive panics, and
// take a lease in the database first (job_leases), so that with several app
// instances on one PostgreSQL each job runs once per schedule. Every run is
// recorded in job_runs for the ministry's console, which can also start a job
// at once ("Jetzt ausführen").
package jobs
