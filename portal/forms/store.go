package forms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/portal/pdf"
	"sozialplattform/portal/xsozial"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/mail"
)

// Delivery is what the delivery outbox receives for an application; it
// mirrors onboarding/delivery's Document, which cmd adapts to.
type Delivery struct {
	ApplicationID, TenantID, Antragsstrecke, ReferenceNumber string
	XML, PDF                                                 []byte
	Attachments                                              []Attachment
	SubmittedAt                                              time.Time
	// XMLID and PDFID are the application's documents holding XML and
	// PDF, written in the same transaction: the outbox may keep these
	// references instead of a second copy (StoredDocuments reads them).
	XMLID, PDFID string
}

// Attachment is an uploaded document travelling with the application;
// ID is its application document.
type Attachment struct {
	Name, ContentType string
	Data              []byte
	ID                string
}

// Outbox writes a delivery outbox entry inside the submission's
// transaction (db) and returns the delivery's ID.
type Outbox func(ctx context.Context, db bun.IDB, d Delivery) (string, error)

// Destination is where a municipality's applications of one
// Antragsstrecke go: the municipality (the PDF's letterhead, the name of
// the XSozial reader), whether it runs the Antragsstrecke live, and the
// DVDV identity it reads under (the leser of the XSozial-basis message).
type Destination struct {
	Tenant  *tenant.Tenant
	Live    bool
	Kennung string
}

// DestinationLookup reads a Destination; every submission asks, so one
// query should answer.
type DestinationLookup func(ctx context.Context, tenantID, antragsstrecke string) (Destination, error)

// Mailer queues a mail inside the caller's transaction.
type Mailer interface {
	Enqueue(ctx context.Context, db bun.IDB, m mail.Message) error
}

// Options tune the store; zero values take the defaults.
type Options struct {
	// Links are the citizen's pages the mails point to.
	Links Links
	// DraftTTL is how long a draft lives after its last change when the
	// tenant set nothing (default 30 days); a reminder goes out
	// ReminderBefore its end (default 7 days).
	DraftTTL       time.Duration
	ReminderBefore time.Duration
	// Retention is how long an application's data are kept after its
	// delivery when the tenant set nothing (default 90 days).
	Retention time.Duration
	// MaxUploadBytes caps one file (default 10 MiB); MaxUploads the
	// files of one draft (default 20).
	MaxUploadBytes int64
	MaxUploads     int
	// MaxDrafts caps the open drafts of one citizen (default 20).
	MaxDrafts int
	// Product and Author name the platform in the XSozial-basis message;
	// Author is the platform's one identity (--platform-kennung), the same
	// as the XTA Author.
	Product xsozial.Product
	Author  xsozial.Party
	// PlatformName appears in PDFs and mails.
	PlatformName string
	Now          func() time.Time
	Logger       *slog.Logger
}

// Deps are what the store works with. Outbox and Destination may be nil:
// then no delivery entry is written, the reader is derived from the
// tenant's official key, and every Antragsstrecke with a definition is
// taken as live.
type Deps struct {
	DB       *migrations.DB
	Keys     *envelope.Keyring
	Registry *Registry
	Tenants  *tenant.Store
	Mailer   Mailer
	Outbox   Outbox
	// Destination is onboarding's in the server (the case's phase and
	// recorded Behördenkennung).
	Destination DestinationLookup
	Options     Options
}

// Store keeps drafts, uploads and applications.
type Store struct {
	db      *migrations.DB
	keys    *envelope.Keyring
	reg     *Registry
	tenants *tenant.Store
	mailer  Mailer
	outbox  Outbox
	dest    DestinationLookup
	xml     *xsozial.Builder
	pdf     *pdf.Renderer
	opts    Options
	loc     *time.Location
}

// Errors of the store; the pages and the API map them to answers.
var (
	ErrNotFound   = fmt.Errorf("%w", tenant.ErrNotFound) // a draft or application; also tenant.ErrNotFound
	ErrNotLive    = errors.New("dieser Antrag ist bei der gewählten Kommune nicht online verfügbar")
	ErrTrustLevel = errors.New("das Vertrauensniveau der Anmeldung reicht für diesen Antrag nicht aus")
	ErrTooMany    = errors.New("zu viele offene Anträge")
	// ErrSubmitting: the draft is being submitted (its application is
	// reserved); it is no longer a draft to delete.
	ErrSubmitting  = errors.New("der Antrag wird gerade abgesendet")
	ErrUnavailable = errors.New("die Datenbank ist vorübergehend nicht erreichbar")
)

// NewStore returns a store.
func NewStore(d Deps) (*Store, error) {
	if d.DB == nil || d.Keys == nil || d.Registry == nil || d.Tenants == nil || d.Mailer == nil {
		return nil, errors.New("forms: DB, Keys, Registry, Tenants and Mailer are required")
	}
	o := d.Options
	if o.DraftTTL <= 0 {
		o.DraftTTL = 30 * 24 * time.Hour
	}
	if o.ReminderBefore <= 0 {
		o.ReminderBefore = 7 * 24 * time.Hour
	}
	if o.Retention <= 0 {
		o.Retention = 90 * 24 * time.Hour
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = 10 << 20
	}
	if o.MaxUploads <= 0 {
		o.MaxUploads = 20
	}
	if o.MaxDrafts <= 0 {
		o.MaxDrafts = 20
	}
	if o.PlatformName == "" {
		o.PlatformName = "Sozialplattform Sachsen-Anhalt"
	}
	if o.Product.Name == "" {
		o.Product = xsozial.Product{Name: o.PlatformName, Vendor: "Land Sachsen-Anhalt", Version: "1.0"}
	}
	if o.Author.Kennung == "" {
		// cmd always sets the configured platform identity; tests and
		// tools get the documented placeholder.
		o.Author = xsozial.Party{Kennung: xsozial.PlaceholderKennung, Name: o.PlatformName}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	b, err := xsozial.NewBuilder()
	if err != nil {
		return nil, err
	}
	renderer, err := pdf.NewRenderer()
	if err != nil {
		return nil, err
	}
	s := &Store{db: d.DB, keys: d.Keys, reg: d.Registry, tenants: d.Tenants, mailer: d.Mailer, outbox: d.Outbox,
		dest: d.Destination, xml: b, pdf: renderer, opts: o, loc: clock.Berlin()}
	if s.dest == nil {
		s.dest = s.defaultDestination
	}
	return s, nil
}

// Registry returns the form definitions.
func (s *Store) Registry() *Registry { return s.reg }

// Options returns the store's effective options.
func (s *Store) Options() Options { return s.opts }

func (s *Store) now() time.Time { return clock.Stamp(s.opts.Now()) }

// defaultDestination is for a store without onboarding: every
// Antragsstrecke with a definition is live, and the reader is the DVDV
// identity derived from the tenant's official key
// (tenant.DefaultDVDVKennung). The server wires onboarding's Destination,
// which asks the case.
func (s *Store) defaultDestination(ctx context.Context, tenantID, strecke string) (Destination, error) {
	t, err := s.tenants.GetTenant(ctx, tenantID)
	if err != nil {
		return Destination{}, err
	}
	_, live := s.reg.Latest(strecke)
	return Destination{Tenant: t, Live: live, Kennung: t.DefaultDVDVKennung()}, nil
}

// seal encrypts v under a new data key bound to aad.
func (s *Store) seal(plain []byte, aad string) (envelope.Sealed, error) {
	return s.keys.Seal(plain, []byte(aad))
}

func (s *Store) open(keyID string, dek, data []byte, aad string) ([]byte, error) {
	out, err := s.keys.Open(envelope.Sealed{KeyID: keyID, DEK: dek, Data: data}, []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("decrypt %s: %w", aad, err)
	}
	return out, nil
}

// notFound turns sql.ErrNoRows into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// tx runs fn in a write transaction and retries it a few times when the
// database was briefly locked; then it answers ErrUnavailable, and the
// caller's data (the draft) stays as it was.
func (s *Store) tx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return s.retry(ctx, func() error { return s.db.Tx(ctx, fn) })
}

// retry runs a write (a transaction or a single statement) as tx does.
func (s *Store) retry(ctx context.Context, write func() error) error {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		err = write()
		if !migrations.IsTransient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(50*(attempt+1)*(attempt+1)) * time.Millisecond):
		}
	}
	s.opts.Logger.WarnContext(ctx, "forms: database stayed locked", "err", err)
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}
