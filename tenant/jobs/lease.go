package jobs

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/uptrace/bun"
)

const (
	// leaseDuration is how long a claimed job is reserved; while the job runs
	// the lease is renewed every leaseRenewal, so that a crashed instance
	// blocks its job for at most leaseDuration.
	leaseDuration = 2 * time.Minute
	leaseRenewal  = leaseDuration / 4
)

// lease is a row of job_leases: who runs a job, since when and until when.
type lease struct {
	bun.BaseModel `bun:"table:job_leases"`

	Name          string     `bun:"name,pk"`
	Holder        string     `bun:"holder,notnull"`
	LastStartedAt *time.Time `bun:"last_started_at"`
	LeaseUntil    *time.Time `bun:"lease_until"`
}

// runWithLease claims the job's lease and, when this instance got it, runs
// the job, records the run and releases the lease. A scheduled run passes
// the entry's minGap; RunNow passes 0. ran reports whether the job ran; err
// is the job's error or trouble with the database.
func (r *Registry) runWithLease(ctx context.Context, e *entry, minGap time.Duration) (ran bool, err error) {
	name := e.job.Name
	claimed, err := r.claim(ctx, name, minGap)
	if err != nil {
		r.logger.Error("job lease failed", "job", name, "error", err)
		return false, err
	}
	if !claimed {
		r.logger.Debug("job skipped: runs elsewhere or ran just now", "job", name)
		return false, nil
	}
	// Bookkeeping goes on after ctx ends, so that a run cut short by the
	// shutdown is still recorded and its lease freed.
	bg := context.WithoutCancel(ctx)
	defer func() {
		if err := r.release(bg, name); err != nil {
			r.logger.Error("job lease not released", "job", name, "error", err)
		}
	}()

	run := &Run{Name: name, Instance: r.instance, StartedAt: time.Now().UTC(), Status: RunRunning}
	if _, err := r.db.Write.NewInsert().Model(run).Exec(bg); err != nil {
		err = fmt.Errorf("record start of job %s: %w", name, err)
		r.logger.Error("job not started", "job", name, "error", err)
		return false, err
	}
	r.logger.Info("job started", "job", name, "run", run.ID)

	renewCtx, stopRenewal := context.WithCancel(bg)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		r.renew(renewCtx, name)
	}()
	status, jobErr := r.call(ctx, e.job)
	stopRenewal()
	<-renewed

	finished := time.Now().UTC()
	run.FinishedAt, run.Status = &finished, status
	if jobErr != nil {
		run.Error = jobErr.Error()
	}
	if _, err := r.db.Write.NewUpdate().Model(run).Column("finished_at", "status", "error").WherePK().Exec(bg); err != nil {
		r.logger.Error("job run not recorded", "job", name, "run", run.ID, "error", err)
	}
	took := finished.Sub(run.StartedAt)
	switch status {
	case RunOK:
		r.logger.Info("job finished", "job", name, "run", run.ID, "took", took)
	default:
		r.logger.Error("job failed", "job", name, "run", run.ID, "status", status, "took", took, "error", jobErr)
	}
	return true, jobErr
}

// call runs the job and turns a panic into a RunPanic outcome.
func (r *Registry) call(ctx context.Context, j Job) (status RunStatus, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.logger.Error("job panicked", "job", j.Name, "panic", p, "stack", string(debug.Stack()))
			status, err = RunPanic, fmt.Errorf("panic: %v", p)
		}
	}()
	if err := j.Run(ctx); err != nil {
		return RunError, err
	}
	return RunOK, nil
}

// claim takes the job's lease when it is free and, for minGap > 0, the last
// start is at least minGap ago. Of several instances trying at once exactly
// one succeeds: the single conditional UPDATE is atomic on SQLite and
// PostgreSQL alike.
func (r *Registry) claim(ctx context.Context, name string, minGap time.Duration) (bool, error) {
	if _, err := r.db.Write.NewInsert().Model(&lease{Name: name}).
		On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
		return false, fmt.Errorf("create lease of job %s: %w", name, err)
	}
	now := time.Now().UTC()
	q := r.db.Write.NewUpdate().Model((*lease)(nil)).
		Set("holder = ?", r.instance).
		Set("last_started_at = ?", now).
		Set("lease_until = ?", now.Add(leaseDuration)).
		Where("name = ?", name).
		Where("(lease_until IS NULL OR lease_until < ?)", now)
	if minGap > 0 {
		q = q.Where("(last_started_at IS NULL OR last_started_at <= ?)", now.Add(-minGap))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("claim lease of job %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim lease of job %s: %w", name, err)
	}
	return n == 1, nil
}

// renew extends the lease while the job runs, until ctx ends.
func (r *Registry) renew(ctx context.Context, name string) {
	t := time.NewTicker(leaseRenewal)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_, err := r.db.Write.NewUpdate().Model((*lease)(nil)).
				Set("lease_until = ?", time.Now().UTC().Add(leaseDuration)).
				Where("name = ?", name).
				Where("holder = ?", r.instance).
				Exec(ctx)
			if err != nil && ctx.Err() == nil {
				r.logger.Warn("job lease not renewed", "job", name, "error", err)
			}
		}
	}
}

// release frees the lease at once; last_started_at stays for the gap check.
func (r *Registry) release(ctx context.Context, name string) error {
	_, err := r.db.Write.NewUpdate().Model((*lease)(nil)).
		Set("lease_until = ?", time.Now().UTC()).
		Where("name = ?", name).
		Where("holder = ?", r.instance).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("release lease of job %s: %w", name, err)
	}
	return nil
}
