package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"sozialplattform/migrations"
	"sozialplattform/tenant/clock"
)

// maxGap caps the minimum gap between two starts of a job (see entry.minGap).
const maxGap = time.Hour

// Registry holds the named jobs of one app instance and runs them on their
// schedules. It is safe for concurrent use.
type Registry struct {
	db       *migrations.DB
	instance string
	logger   *slog.Logger
	loc      *time.Location
	cron     *cron.Cron

	mu      sync.Mutex
	jobs    map[string]*entry
	order   []string
	rootCtx context.Context // set by Start
	stopped bool
	running sync.WaitGroup // runs in progress, scheduled or RunNow
}

// entry is a registered job.
type entry struct {
	job      Job
	schedule cron.Schedule
	// minGap is half the schedule's period, at most maxGap: a scheduled run
	// starts only when the job's last start, by any instance, is at least
	// that long ago, so that instances whose clocks differ a little do not
	// both run the same slot one after the other.
	minGap time.Duration
	id     cron.EntryID
}

// NewRegistry returns an empty registry. instanceID names this app instance
// in leases and run records; when empty, host name and process ID are used.
func NewRegistry(db *migrations.DB, instanceID string, logger *slog.Logger) *Registry {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "jobs")
	if instanceID == "" {
		host, _ := os.Hostname()
		instanceID = host + "-" + strconv.Itoa(os.Getpid())
	}
	loc := clock.Berlin()
	cl := cronLogger{logger}
	return &Registry{
		db:       db,
		instance: instanceID,
		logger:   logger,
		loc:      loc,
		cron: cron.New(
			cron.WithLocation(loc),
			cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
		),
		jobs: map[string]*entry{},
	}
}

// alignedEvery fires at the multiples of its period since the zero time,
// unlike robfig's "@every", which counts from each process's start. So
// every instance fires a job in the same moment and the lease's gap lets
// exactly one of them run it per period.
type alignedEvery time.Duration

// Next returns the first multiple of the period after t.
func (a alignedEvery) Next(t time.Time) time.Time {
	d := time.Duration(a)
	return t.Truncate(d).Add(d)
}

// Register adds a job. Names are unique; the schedule must parse.
func (r *Registry) Register(j Job) error {
	if j.Name == "" {
		return fmt.Errorf("register job: no name")
	}
	if j.Run == nil {
		return fmt.Errorf("register job %s: no Run function", j.Name)
	}
	sched, err := cron.ParseStandard(j.Schedule)
	if err != nil {
		return fmt.Errorf("register job %s: schedule %q: %w", j.Name, j.Schedule, err)
	}
	if every, ok := sched.(cron.ConstantDelaySchedule); ok {
		sched = alignedEvery(every.Delay)
	}
	next := sched.Next(time.Now().In(r.loc))
	if next.IsZero() {
		return fmt.Errorf("register job %s: schedule %q never fires", j.Name, j.Schedule)
	}
	e := &entry{job: j, schedule: sched, minGap: min(sched.Next(next).Sub(next)/2, maxGap)}

	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.jobs[j.Name]; dup {
		return fmt.Errorf("register job %s: a job of that name is registered already", j.Name)
	}
	e.id = r.cron.Schedule(sched, cron.FuncJob(func() { r.runScheduled(e) }))
	r.jobs[j.Name] = e
	r.order = append(r.order, j.Name)
	return nil
}

// Start runs the jobs on their schedules from now on. Scheduled runs get ctx,
// which should be the application's root context. Start again is a no-op.
func (r *Registry) Start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rootCtx != nil || r.stopped {
		return
	}
	r.rootCtx = ctx
	r.cron.Start()
	r.logger.Info("jobs started", "instance", r.instance, "jobs", len(r.jobs))
}

// Stop ends the schedule. The returned context is done when every run in
// progress, RunNow included, has finished; cancel the root context given to
// Start to ask them to hurry.
func (r *Registry) Stop() context.Context {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	cronDone := r.cron.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-cronDone.Done()
		r.running.Wait()
		cancel()
	}()
	return ctx
}

// RunNow runs a job at once, in the calling goroutine and under ctx, and
// returns its error. It still takes the job's lease, so it fails with
// ErrAlreadyRunning while the job runs anywhere; unlike a scheduled run it
// does not wait for the minimum gap since the last start. A console button
// should call it in a goroutine of its own with the root context.
func (r *Registry) RunNow(ctx context.Context, name string) error {
	r.mu.Lock()
	e, ok := r.jobs[name]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("run job %s: %w", name, ErrUnknownJob)
	}
	if !r.begin() {
		return fmt.Errorf("run job %s: %w", name, ErrStopped)
	}
	defer r.running.Done()
	ran, err := r.runWithLease(ctx, e, 0)
	if err != nil {
		return fmt.Errorf("run job %s: %w", name, err)
	}
	if !ran {
		return fmt.Errorf("run job %s: %w", name, ErrAlreadyRunning)
	}
	return nil
}

// runScheduled is what cron calls for an entry.
func (r *Registry) runScheduled(e *entry) {
	r.mu.Lock()
	ctx := r.rootCtx
	r.mu.Unlock()
	if ctx == nil || ctx.Err() != nil || !r.begin() {
		return
	}
	defer r.running.Done()
	// The outcome is logged and recorded by runWithLease.
	_, _ = r.runWithLease(ctx, e, e.minGap)
}

// begin counts a run in, unless the registry has been stopped.
func (r *Registry) begin() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	r.running.Add(1)
	return true
}

// Jobs lists the registered jobs in the order they were registered.
func (r *Registry) Jobs() []JobInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now().In(r.loc)
	out := make([]JobInfo, 0, len(r.order))
	for _, name := range r.order {
		e := r.jobs[name]
		next := r.cron.Entry(e.id).Next
		if next.IsZero() {
			next = e.schedule.Next(now)
		}
		out = append(out, JobInfo{
			Name:        e.job.Name,
			Schedule:    e.job.Schedule,
			Description: e.job.Description,
			NextRun:     next,
		})
	}
	return out
}

// Runs returns the recorded runs of a job (of every job when name is empty),
// newest first; limit defaults to 50 and is at most 500.
func (r *Registry) Runs(ctx context.Context, name string, limit int) ([]Run, error) {
	switch {
	case limit <= 0:
		limit = 50
	case limit > 500:
		limit = 500
	}
	out := []Run{}
	q := r.db.Read.NewSelect().Model(&out).OrderExpr("started_at DESC, id DESC").Limit(int64(limit))
	if name != "" {
		q = q.Where("name = ?", name)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list runs of job %q: %w", name, err)
	}
	return out, nil
}
