package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"
)

// Errors of the registry.
var (
	ErrUnknownJob     = errors.New("unbekannter Job")
	ErrAlreadyRunning = errors.New("der Job läuft bereits")
	ErrStopped        = errors.New("die Job-Steuerung ist beendet")
)

// Job is a named piece of scheduled work.
type Job struct {
	// Name identifies the job across instances, e.g. "mail-outbox".
	Name string
	// Schedule is a standard cron spec ("0 3 * * *", minute first) or a
	// descriptor ("@every 10s", "@daily"), in German local time
	// (Europe/Berlin) unless it starts with CRON_TZ=.
	Schedule string
	// Description says in German what the job does, for the console.
	Description string
	// Run does the work. ctx is the application's root context for scheduled
	// runs and ends at shutdown.
	Run func(ctx context.Context) error
}

// JobInfo describes a registered job for the console.
type JobInfo struct {
	Name        string    `json:"name"`
	Schedule    string    `json:"schedule"`
	Description string    `json:"description"`
	NextRun     time.Time `json:"nextRun"`
}

// RunStatus is the outcome of a run.
type RunStatus string

// The run states: running until the job returns, then ok, error (the job
// returned an error) or panic.
const (
	RunRunning RunStatus = "running"
	RunOK      RunStatus = "ok"
	RunError   RunStatus = "error"
	RunPanic   RunStatus = "panic"
)

// Label is the German name of a run status for the console.
func (s RunStatus) Label() string {
	switch s {
	case RunRunning:
		return "Läuft"
	case RunOK:
		return "Erfolgreich"
	case RunError:
		return "Fehler"
	case RunPanic:
		return "Abgestürzt"
	}
	return string(s)
}

// Run is one recorded run of a job.
type Run struct {
	bun.BaseModel `bun:"table:job_runs"`

	ID         int64      `bun:"id,pk,autoincrement" json:"id"`
	Name       string     `bun:"name,notnull" json:"name"`
	Instance   string     `bun:"instance,notnull" json:"instance"`
	StartedAt  time.Time  `bun:"started_at,notnull" json:"startedAt"`
	FinishedAt *time.Time `bun:"finished_at" json:"finishedAt,omitempty"`
	Status     RunStatus  `bun:"status,notnull" json:"status"`
	Error      string     `bun:"error,notnull" json:"error,omitempty"`
}
