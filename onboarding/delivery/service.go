package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/secret"
)

// StatusFunc tells the applications side about a delivery's progress,
// inside the transaction db that records it. status is one of
// CitizenDelivered, CitizenPickedUp, CitizenAccepted, CitizenProblem;
// detail explains a problem in German, without technical details.
type StatusFunc func(ctx context.Context, db bun.IDB, applicationID, status, detail string) error

// KeyFunc records, inside the transaction db, the encryption key that a
// FIT-Connect attempt fetched from the case's destination and validated
// (onboarding.Store.RecordDestinationKey): the case shows it and the
// expiry reminder watches it.
type KeyFunc func(ctx context.Context, db bun.IDB, caseID string, k fitconnect.KeyInfo) error

// TestFunc records a successful connection test of an onboarding case,
// inside the transaction db (onboarding.Store.RecordTestDelivery).
type TestFunc func(ctx context.Context, db bun.IDB, caseID string, at time.Time, ref string) error

// TestResultFunc records the newest state of a connection test at its
// onboarding case, inside the transaction db, after every attempt or
// status check, failures included (onboarding.Store.RecordTestResult):
// the case page and the ministry's go-live confirmation show it.
type TestResultFunc func(ctx context.Context, db bun.IDB, caseID, deliveryID string, at time.Time, status string, ok bool, detail string) error

// FITConnectOptions configure variant 3.
type FITConnectOptions struct {
	Sender *fitconnect.Sender
	// CallbackSecret checks the delivery service's callbacks (the same
	// secret the Sender announces).
	CallbackSecret string
}

// XTAOptions configure variant 1.
type XTAOptions struct {
	// Author is the platform's own party (DVDV Behördenkennung).
	Author xta2.Party
	// ClientCert is presented to the intermediaries.
	ClientCert tls.Certificate
	// HTTPClient, when set, is used instead of a client built from the
	// DVDV entry's certificate and ClientCert (tests).
	HTTPClient *http.Client
	// Timeout of one request (default 60 s).
	Timeout time.Duration
}

// Options configure a Service. Zero values take the defaults.
type Options struct {
	// Instance names this process in leases and attempts.
	Instance string
	Router   Router
	Cases    CaseResolver
	// Directory resolves DVDV Behördenkennungen (variant 1).
	Directory *dvdv.Directory
	// FITConnect and XTA enable variants 3 and 1; without them a delivery
	// of that variant fails with a configuration error.
	FITConnect *FITConnectOptions
	XTA        *XTAOptions
	OnStatus   StatusFunc
	OnTest     TestFunc
	// OnTestResult, when set, hears every state of a connection test.
	OnTestResult TestResultFunc
	OnKey        KeyFunc
	// TestApplication builds the application of a connection test with
	// the builders of real applications.
	TestApplication BuildFunc
	// Mailer queues the mails to the municipalities (a failed delivery,
	// the mailbox digest) in the transaction that causes them; Links are
	// the console pages they point to.
	Mailer tenant.Mailer
	Links  Links
	// Labels names the Antragsstrecken ("hzl" → "Hilfe zum
	// Lebensunterhalt 1.0"); onboarding.Store.Antragsstrecken.
	Labels func(ctx context.Context) (map[string]string, error)
	Sealer Sealer
	// MaxAttempts before a delivery fails (default 8).
	MaxAttempts int
	// BackoffBase and BackoffCap bound the wait between attempts
	// (defaults 30 s and 1 h); the wait doubles per attempt with jitter and
	// is at least what Retry-After asked for (up to MaxRetryAfter, 6 h).
	BackoffBase, BackoffCap, MaxRetryAfter time.Duration
	// FollowBase and FollowCap bound the wait between status checks after
	// handing over (defaults 10 s and 15 min).
	FollowBase, FollowCap time.Duration
	// Lease is how long a worker holds a claimed row (default 3 min); a
	// transport call is cut off well before.
	Lease time.Duration
	// Batch is how many rows one run claims (default 50); Concurrency how
	// many it works on at once (default 4).
	Batch, Concurrency int
	// MailboxRetention is how long picked-up mailbox contents are kept
	// (default 30 days).
	MailboxRetention time.Duration
	Now              func() time.Time
	Logger           *slog.Logger
}

// Service runs the outbox. It is safe for concurrent use; several
// services (in one or several processes) may work on one database.
type Service struct {
	db   *migrations.DB
	opts Options

	mu       sync.Mutex
	xtaCache map[string]*http.Client
	// fit and xta are the transports' settings (Options.FITConnect and
	// Options.XTA, or set later with SetFITConnect/SetXTA).
	fit    *FITConnectOptions
	xta    *XTAOptions
	sealer Sealer
	// stored reads the documents of payloads kept by reference
	// (SetStored).
	stored StoredFunc

	// labels caches Options.Labels until labelsUntil.
	labels      map[string]string
	labelsUntil time.Time

	// crashAfterTransport, set by tests, simulates a process killed right
	// after the transport answered: nothing is recorded.
	crashAfterTransport func(deliveryID string) bool
}

// New returns a service on db.
func New(db *migrations.DB, opts Options) (*Service, error) {
	if opts.Router == nil {
		return nil, errors.New("delivery: Router is required")
	}
	if opts.Instance == "" {
		host, _ := os.Hostname()
		opts.Instance = host + "-" + strconv.Itoa(os.Getpid())
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.BackoffBase, 30*time.Second)
	def(&opts.BackoffCap, time.Hour)
	def(&opts.MaxRetryAfter, 6*time.Hour)
	def(&opts.FollowBase, 10*time.Second)
	def(&opts.FollowCap, 15*time.Minute)
	def(&opts.Lease, 3*time.Minute)
	def(&opts.MailboxRetention, 30*24*time.Hour)
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.Batch <= 0 {
		opts.Batch = 50
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Logger = opts.Logger.With("component", "delivery")
	s := &Service{db: db, opts: opts, xtaCache: map[string]*http.Client{}}
	s.SetFITConnect(opts.FITConnect)
	s.SetXTA(opts.XTA)
	s.SetSealer(opts.Sealer)
	return s, nil
}

// SetSealer sets the sealer of payloads and mailbox files (nil stores
// them in the clear); cmd sets the platform's data key once it is loaded.
// Payloads sealed before stay readable only with the same key.
func (s *Service) SetSealer(se Sealer) {
	s.mu.Lock()
	s.sealer = se
	s.mu.Unlock()
}

func (s *Service) sealerOf() Sealer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sealer
}

// SetStored lets the outbox keep an application's documents by reference:
// Enqueue then stores the IDs and SHA-256 of the copies the applications
// side wrote in the same transaction instead of a second copy, and the
// worker reads them with f. cmd sets the form store's reader once both
// are built. Every instance that works on the outbox needs it.
func (s *Service) SetStored(f StoredFunc) {
	s.mu.Lock()
	s.stored = f
	s.mu.Unlock()
}

func (s *Service) storedOf() StoredFunc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored
}

// SetFITConnect enables (or, with nil, disables) variant 3; the demo
// calls it once its local FIT-Connect runs.
func (s *Service) SetFITConnect(o *FITConnectOptions) {
	s.mu.Lock()
	s.fit = o
	s.mu.Unlock()
}

// SetXTA enables (or, with nil, disables) variant 1.
func (s *Service) SetXTA(o *XTAOptions) {
	if o != nil && o.Timeout <= 0 {
		c := *o
		c.Timeout = 60 * time.Second
		o = &c
	}
	s.mu.Lock()
	s.xta = o
	s.xtaCache = map[string]*http.Client{}
	s.mu.Unlock()
}

// FITConnectEnabled and XTAEnabled tell whether variants 3 and 1 are
// configured (the demo starts its local servers only where not).
func (s *Service) FITConnectEnabled() bool { return s.fitOptions() != nil }

// XTAEnabled: see FITConnectEnabled.
func (s *Service) XTAEnabled() bool { return s.xtaOptions() != nil }

func (s *Service) fitOptions() *FITConnectOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fit
}

func (s *Service) xtaOptions() *XTAOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.xta
}

// now is the clock in UTC at microseconds, as PostgreSQL keeps it.
func (s *Service) now() time.Time { return clock.Stamp(s.opts.Now()) }

// row is a delivery as stored.
type row struct {
	bun.BaseModel   `bun:"table:deliveries,alias:d"`
	ID              string     `bun:"id,pk"`
	TenantID        string     `bun:"tenant_id"`
	ApplicationID   string     `bun:"application_id"`
	Antragsstrecke  string     `bun:"antragsstrecke"`
	ReferenceNumber string     `bun:"reference_number"`
	Purpose         string     `bun:"purpose"`
	CaseID          string     `bun:"case_id"`
	Variant         int        `bun:"variant"`
	Route           string     `bun:"route"`
	Status          string     `bun:"status"`
	Attempts        int        `bun:"attempts"`
	NextAttemptAt   time.Time  `bun:"next_attempt_at"`
	FollowAt        *time.Time `bun:"follow_at"`
	FollowChecks    int        `bun:"follow_checks"`
	LeaseUntil      *time.Time `bun:"lease_until"`
	LeaseHolder     string     `bun:"lease_holder"`
	LeaseToken      string     `bun:"lease_token"`
	TransportRef    string     `bun:"transport_ref"`
	TransportState  string     `bun:"transport_state"`
	LastError       string     `bun:"last_error"`
	StatusDetail    string     `bun:"status_detail"`
	SubmittedAt     time.Time  `bun:"submitted_at"`
	SentAt          *time.Time `bun:"sent_at"`
	FinishedAt      *time.Time `bun:"finished_at"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

// phase is what a claim is for.
type phase string

const (
	phaseSend   phase = "send"
	phaseFollow phase = "follow"
)

// errLeaseLost says that another worker took the row over.
var errLeaseLost = errors.New("delivery lease lost to another worker")

// claim takes up to limit due rows of a phase (only the row id when id is
// set) and returns them with this worker's lease token.
func (s *Service) claim(ctx context.Context, ph phase, id string, limit int) ([]row, error) {
	now := s.now()
	tok := secret.New() // the lease owner: only this worker knows it
	until := now.Add(s.opts.Lease)
	due := func(q *bun.SelectQuery) *bun.SelectQuery {
		if ph == phaseSend {
			q = q.Where("status = ?", StatusPending).Where("next_attempt_at <= ?", now)
		} else {
			q = q.Where("status = ?", StatusSent).Where("follow_at IS NOT NULL AND follow_at <= ?", now)
		}
		if id != "" {
			q = q.Where("id = ?", id)
		}
		return q.Where("(lease_until IS NULL OR lease_until < ?)", now)
	}
	attempts := "attempts"
	if ph == phaseSend {
		attempts = "attempts + 1"
	}
	var ids []string
	if s.db.Kind == migrations.Postgres {
		sub := due(s.db.Write.NewSelect().Model((*row)(nil)).Column("id")).OrderExpr("next_attempt_at, id").Limit(int64(limit)).For("UPDATE SKIP LOCKED")
		err := s.db.Write.NewRaw("UPDATE deliveries SET lease_until = ?, lease_holder = ?, lease_token = ?, attempts = "+attempts+
			", updated_at = ? WHERE id IN (?) RETURNING id", until, s.opts.Instance, tok, now, sub).Scan(ctx, &ids)
		if err != nil {
			return nil, fmt.Errorf("claim deliveries: %w", err)
		}
	} else {
		var cand []string
		if err := due(s.db.Read.NewSelect().Model((*row)(nil)).Column("id")).OrderExpr("next_attempt_at, id").Limit(int64(limit)).Scan(ctx, &cand); err != nil {
			return nil, fmt.Errorf("list due deliveries: %w", err)
		}
		for _, c := range cand {
			q := s.db.Write.NewUpdate().Model((*row)(nil)).Set("lease_until = ?", until).Set("lease_holder = ?", s.opts.Instance).
				Set("lease_token = ?", tok).Set("attempts = "+attempts).Set("updated_at = ?", now).Where("id = ?", c)
			q.Where("(lease_until IS NULL OR lease_until < ?)", now)
			if ph == phaseSend {
				q.Where("status = ?", StatusPending).Where("next_attempt_at <= ?", now)
			} else {
				q.Where("status = ?", StatusSent).Where("follow_at IS NOT NULL AND follow_at <= ?", now)
			}
			res, err := q.Exec(ctx)
			if err != nil {
				return nil, fmt.Errorf("claim delivery %s: %w", c, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				ids = append(ids, c)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []row
	if err := s.db.Write.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Where("lease_token = ?", tok).
		OrderExpr("next_attempt_at, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load claimed deliveries: %w", err)
	}
	return rows, nil
}

// RunDue works off what is due: sends pending deliveries, then checks the
// status of handed-over ones. It returns the number of rows worked on;
// err reports only database trouble and a cancelled ctx. The job
// "zustellung" calls it.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	total := 0
	for _, ph := range []phase{phaseSend, phaseFollow} {
		rows, err := s.claim(ctx, ph, "", s.opts.Batch)
		if err != nil {
			return total, err
		}
		total += len(rows)
		var wg sync.WaitGroup
		sem := make(chan struct{}, s.opts.Concurrency)
		errs := make([]error, len(rows))
		for i := range rows {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int) {
				defer wg.Done()
				defer func() { <-sem }()
				errs[i] = s.work(ctx, ph, &rows[i])
			}(i)
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return total, err
		}
	}
	return total, ctx.Err()
}

// work runs one claimed row; it logs a row's trouble and returns only
// database errors.
func (s *Service) work(ctx context.Context, ph phase, r *row) error {
	var err error
	if ph == phaseSend {
		err = s.send(ctx, r)
	} else {
		err = s.follow(ctx, r)
	}
	if errors.Is(err, errLeaseLost) {
		s.opts.Logger.Warn("delivery taken over by another worker", "delivery", r.ID)
		return nil
	}
	if err != nil {
		s.opts.Logger.Error("delivery bookkeeping failed", "delivery", r.ID, "err", err)
	}
	return err
}
