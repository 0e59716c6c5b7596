package marketplace

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/gemeinden"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/phone"
	"sozialplattform/tenant/secret"
)

// RegistrationState is where a registration stands.
type RegistrationState string

// A registration waits for the confirmation of its Funktionspostfach, then
// for the ministry, which activates or rejects it. An unconfirmed one
// whose link ran out is expired.
const (
	RegistrationUnconfirmed RegistrationState = "unbestaetigt"
	RegistrationConfirmed   RegistrationState = "bestaetigt"
	RegistrationActivated   RegistrationState = "aktiviert"
	RegistrationRejected    RegistrationState = "abgelehnt"
	RegistrationExpired     RegistrationState = "abgelaufen"
)

// RegistrationStates lists the states in their order.
var RegistrationStates = []RegistrationState{RegistrationUnconfirmed, RegistrationConfirmed, RegistrationActivated, RegistrationRejected, RegistrationExpired}

// Label is the German name of the state.
func (s RegistrationState) Label() string {
	switch s {
	case RegistrationUnconfirmed:
		return "Funktionspostfach unbestätigt"
	case RegistrationConfirmed:
		return "Bestätigt, wartet auf Freischaltung"
	case RegistrationActivated:
		return "Freigeschaltet"
	case RegistrationRejected:
		return "Abgelehnt"
	case RegistrationExpired:
		return "Bestätigungslink abgelaufen"
	}
	return string(s)
}

// Registration is an authority's request for a marketplace account.
type Registration struct {
	bun.BaseModel `bun:"table:market_registrations"`

	ID              string            `bun:"id,pk" json:"id"`
	AuthorityName   string            `bun:"authority_name" json:"authorityName"`
	OfficialKey     string            `bun:"official_key" json:"officialKey"`
	FunctionMailbox string            `bun:"function_mailbox" json:"functionMailbox"`
	Street          string            `bun:"street" json:"street"`
	PostalCode      string            `bun:"postal_code" json:"postalCode"`
	City            string            `bun:"city" json:"city"`
	ContactName     string            `bun:"contact_name" json:"contactName"`
	ContactPhone    string            `bun:"contact_phone" json:"contactPhone"`
	State           RegistrationState `bun:"state" json:"state" enum:"unbestaetigt,bestaetigt,aktiviert,abgelehnt,abgelaufen"`
	TokenHash       string            `bun:"token_hash" json:"-"`
	ConfirmBy       time.Time         `bun:"token_expires_at" json:"confirmBy" doc:"bis wann der Bestätigungslink gilt"`
	TermsAcceptedAt time.Time         `bun:"terms_accepted_at" json:"termsAcceptedAt"`
	ConfirmedAt     *time.Time        `bun:"confirmed_at" json:"confirmedAt,omitempty"`
	DecidedAt       *time.Time        `bun:"decided_at" json:"decidedAt,omitempty"`
	DecidedBy       string            `bun:"decided_by" json:"decidedBy,omitempty"`
	RejectReason    string            `bun:"reject_reason" json:"rejectReason,omitempty"`
	TenantID        *string           `bun:"tenant_id" json:"tenantId,omitempty"`
	Version         int               `bun:"version" json:"version"`
	CreatedAt       time.Time         `bun:"created_at" json:"createdAt"`
	UpdatedAt       time.Time         `bun:"updated_at" json:"updatedAt"`
	// Concerns are what the ministry should look at before it activates:
	// a mailbox that still looks personal, a name that does not fit the
	// key (for registrations from before that was checked).
	Concerns []string `bun:"-" json:"concerns,omitempty" doc:"Hinweise für das Ministerium, z. B. ein Funktionspostfach, das persönlich wirkt"`
	// KeyMeans is what the key stands for in the official list
	// ("Stadt Tangermünde, Landkreis Stendal").
	KeyMeans string `bun:"-" json:"keyMeans,omitempty" doc:"was der Schlüssel laut amtlichem Gemeindeverzeichnis bezeichnet"`
}

// effective shows an unconfirmed registration whose link ran out as
// expired, and notes what the ministry should look at.
func (r *Registration) effective(now time.Time) {
	if r.State == RegistrationUnconfirmed && now.After(r.ConfirmBy) {
		r.State = RegistrationExpired
	}
	r.Concerns, r.KeyMeans = nil, ""
	if c := MailboxConcern(r.FunctionMailbox); c != "" {
		r.Concerns = append(r.Concerns, "Funktionspostfach wirkt persönlich: "+c)
	}
	list, err := gemeinden.Default()
	if err != nil {
		return
	}
	p, err := placeOf(list, r.OfficialKey)
	if err != nil {
		r.Concerns = append(r.Concerns, "Schlüssel: "+err.Error())
		return
	}
	r.KeyMeans = p.name
	if p.kind == tenant.KindGemeinde {
		if k, ok := list.Kreis(p.parentKey); ok {
			r.KeyMeans = strings.TrimPrefix(strings.TrimPrefix(p.the, "die "), "der ") + ", " + k.Name()
		}
	}
	if err := checkName(list, r.AuthorityName, p); err != nil {
		r.Concerns = append(r.Concerns, "Name: "+err.Error())
	}
}

// RegistrationInput is what an authority fills in.
type RegistrationInput struct {
	AuthorityName   string
	OfficialKey     string
	FunctionMailbox string
	Street          string
	PostalCode      string
	City            string
	ContactName     string
	ContactPhone    string
	AcceptTerms     bool
}

var (
	postalCodePattern = regexp.MustCompile(`^[0-9]{5}$`)
)

// MaxReason caps a rejection or cancellation reason.
const MaxReason = 1000

// checkRegistration validates the input and returns what it normalised.
// The field errors come in the order of the form (name, key, mailbox,
// address, contact, terms), so that the summary above the form reads like
// the form.
func checkRegistration(in *RegistrationInput) (place, error) {
	list, err := gemeinden.Default()
	if err != nil {
		return place{}, fmt.Errorf("registration: %w", err)
	}
	var errs tenant.FieldErrors
	text := func(field string, v *string, max int, required string) {
		*v = strings.TrimSpace(*v)
		switch {
		case *v == "":
			if required != "" {
				errs.Add(field, "%s", required)
			}
		case utf8.RuneCountInString(*v) > max:
			errs.Append(i18n.Coded(field, i18n.CodeMaxLength, map[string]any{"max": max}))
		case !utf8.ValidString(*v) || strings.ContainsFunc(*v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			errs.Append(i18n.Coded(field, i18n.CodeControlChars, nil))
		}
	}
	text("authorityName", &in.AuthorityName, tenant.MaxNameLen, "Bitte geben Sie den Namen Ihrer Behörde an.")
	nameOK := errs.For("authorityName") == ""
	var p place
	if strings.TrimSpace(in.OfficialKey) == "" {
		errs.Add("officialKey", "Bitte geben Sie den amtlichen Schlüssel Ihrer Körperschaft an (Kreisschlüssel oder Gemeindeschlüssel).")
	} else if pl, err := placeOf(list, in.OfficialKey); err != nil {
		msg := err.Error()
		if m, ok := named(list, in.AuthorityName); ok && nameOK {
			msg += fmt.Sprintf(" %s hat den Schlüssel %s.", m.Name, m.Key)
		}
		errs.Add("officialKey", "%s", msg)
	} else if err := checkName(list, in.AuthorityName, pl); err != nil && nameOK {
		errs.Add("officialKey", "%s", err.Error())
	} else {
		p = pl
		in.OfficialKey = pl.key
	}
	if strings.TrimSpace(in.FunctionMailbox) == "" {
		errs.Add("functionMailbox", "Bitte geben Sie das Funktionspostfach Ihrer Behörde an, z. B. sozialamt@landkreis.de.")
	} else if addr, err := checkMailbox(in.FunctionMailbox); err != nil {
		errs.Add("functionMailbox", "%s", err.Error())
	} else {
		in.FunctionMailbox = addr
	}
	text("street", &in.Street, tenant.MaxTextLen, "Bitte geben Sie Straße und Hausnummer an.")
	in.PostalCode = strings.TrimSpace(in.PostalCode)
	switch {
	case in.PostalCode == "":
		errs.Add("postalCode", "Bitte geben Sie die Postleitzahl an.")
	case !postalCodePattern.MatchString(in.PostalCode):
		errs.Append(i18n.Coded("postalCode", i18n.CodePostcode, nil))
	}
	text("city", &in.City, tenant.MaxTextLen, "Bitte geben Sie den Ort an.")
	text("contactName", &in.ContactName, tenant.MaxNameLen, "Bitte nennen Sie eine Ansprechperson.")
	phone.Check(&errs, "contactPhone", &in.ContactPhone)
	if !in.AcceptTerms {
		errs.Add("acceptTerms", "Bitte lesen und akzeptieren Sie die Nutzungsbedingungen.")
	}
	return p, errs.Err()
}

// Register records an authority's registration and sends the confirmation
// link to its Funktionspostfach, in one transaction. An authority that has
// an account already, or an open registration, is refused with
// ErrDuplicate. It returns the secret token too (for tests; the API does
// not show it).
func (s *Store) Register(ctx context.Context, in RegistrationInput) (*Registration, string, error) {
	if _, err := checkRegistration(&in); err != nil {
		return nil, "", err
	}
	token := secret.New()
	now := s.now()
	r := &Registration{ID: uuid.Must(uuid.NewV7()).String(), AuthorityName: in.AuthorityName, OfficialKey: in.OfficialKey,
		FunctionMailbox: in.FunctionMailbox, Street: in.Street, PostalCode: in.PostalCode, City: in.City,
		ContactName: in.ContactName, ContactPhone: in.ContactPhone, State: RegistrationUnconfirmed,
		TokenHash: secret.Hash(token), ConfirmBy: now.Add(s.opts.ConfirmationTTL), TermsAcceptedAt: now,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// An unconfirmed registration whose link ran out blocks nobody.
		if _, err := tx.NewUpdate().Model((*Registration)(nil)).Set("state = ?", RegistrationExpired).Set("updated_at = ?", now).
			Where("official_key = ? AND state = ? AND token_expires_at < ?", r.OfficialKey, RegistrationUnconfirmed, now).Exec(ctx); err != nil {
			return fmt.Errorf("expire old registrations: %w", err)
		}
		if err := s.checkNotRegistered(ctx, tx, r.OfficialKey); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			if migrations.IsUniqueViolation(err) {
				return refuse(ErrDuplicate, "Für den Schlüssel %s ist soeben eine Registrierung eingegangen. Eine Behörde kann sich nur einmal registrieren.", r.OfficialKey)
			}
			return fmt.Errorf("insert registration: %w", err)
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{To: r.FunctionMailbox, Template: TemplateRegistrationConfirm,
			Data: RegistrationMail{AuthorityName: r.AuthorityName, OfficialKey: r.OfficialKey, FunctionMailbox: r.FunctionMailbox,
				ContactName: r.ContactName, Link: s.opts.Links.ConfirmRegistration.To(token), ExpiresAt: r.ConfirmBy}}); err != nil {
			return fmt.Errorf("queue confirmation mail: %w", err)
		}
		return s.audit(ctx, tx, "", "create", ObjRegistration, r.ID, map[string]any{
			"authorityName": r.AuthorityName, "officialKey": r.OfficialKey, "functionMailbox": r.FunctionMailbox})
	})
	if err != nil {
		return nil, "", err
	}
	return r, token, nil
}

// checkNotRegistered refuses a key that has an open registration, or a
// tenant with an active member or an open invitation: "one registration
// per authority".
func (s *Store) checkNotRegistered(ctx context.Context, db bun.IDB, key string) error {
	var open Registration
	err := db.NewSelect().Model(&open).Where("official_key = ? AND state IN (?)", key,
		bun.In([]RegistrationState{RegistrationUnconfirmed, RegistrationConfirmed})).Limit(1).Scan(ctx)
	switch {
	case err == nil:
		what := "wartet auf die Bestätigung des Funktionspostfachs " + open.FunctionMailbox
		if open.State == RegistrationConfirmed {
			what = "wartet auf die Freischaltung durch das Ministerium"
		}
		return refuse(ErrDuplicate, "Für %s (%s) liegt bereits eine Registrierung vom %s vor; sie %s. Eine Behörde kann sich nur einmal registrieren.",
			open.AuthorityName, key, open.CreatedAt.In(s.loc).Format("02.01.2006"), what)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("look up registrations: %w", err)
	}
	var t struct {
		ID   string `bun:"id"`
		Name string `bun:"name"`
	}
	err = db.NewSelect().Table("tenants").Column("id", "name").Where("official_key = ?", key).Limit(1).Scan(ctx, &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up tenant %s: %w", key, err)
	}
	members, err := db.NewSelect().Table("memberships").Join("JOIN users ON users.id = memberships.user_id").
		Where("memberships.tenant_id = ? AND users.active = ?", t.ID, true).Count(ctx)
	if err != nil {
		return fmt.Errorf("count members of %s: %w", key, err)
	}
	if members > 0 {
		return refuse(ErrDuplicate, "%s (%s) hat bereits ein Konto auf der Sozialplattform. Eine zweite Registrierung ist nicht möglich; bitte wenden Sie sich an die Administration Ihrer Behörde, damit sie Sie einlädt.",
			t.Name, key)
	}
	invited, err := db.NewSelect().Table("invitations").
		Where("tenant_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", t.ID, s.now()).Count(ctx)
	if err != nil {
		return fmt.Errorf("count invitations of %s: %w", key, err)
	}
	if invited > 0 {
		return refuse(ErrDuplicate, "%s (%s) ist bereits freigeschaltet; die Einladung für das erste Benutzerkonto ist unterwegs. Eine zweite Registrierung ist nicht möglich.",
			t.Name, key)
	}
	return nil
}

// ConfirmRegistration confirms the Funktionspostfach with the link's token.
// The link works once and expires; both answer ErrLinkGone with a message
// that says which, a used link ErrLinkUsed.
func (s *Store) ConfirmRegistration(ctx context.Context, token string) (*Registration, error) {
	var out *Registration
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r := new(Registration)
		if len(token) > 200 {
			token = ""
		}
		if err := tx.NewSelect().Model(r).Where("token_hash = ?", secret.Hash(token)).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return refuse(ErrLinkGone, "Dieser Bestätigungslink ist ungültig. Bitte prüfen Sie, ob Sie den Link aus der E-Mail vollständig übernommen haben.")
			}
			return fmt.Errorf("look up registration: %w", err)
		}
		now := s.now()
		if err := s.checkLink(r, now); err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model(r).Set("state = ?", RegistrationConfirmed).Set("confirmed_at = ?", now).
			Set("updated_at = ?", now).Set("version = version + 1").
			WherePK().Where("state = ? AND confirmed_at IS NULL", RegistrationUnconfirmed).Exec(ctx)
		if err != nil {
			return fmt.Errorf("confirm registration: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return refuse(ErrLinkUsed, "Dieser Bestätigungslink wurde bereits verwendet.")
		}
		r.State, r.ConfirmedAt, r.UpdatedAt, r.Version = RegistrationConfirmed, &now, now, r.Version+1
		out = r
		// The ministry decides next: its mailbox hears of it (issue 16).
		if s.opts.MinistryOrderMailbox != "" {
			if err := s.mailer.Enqueue(ctx, tx, mail.Message{To: s.opts.MinistryOrderMailbox, Template: TemplateRegistrationToReview,
				Data: RegistrationMail{AuthorityName: r.AuthorityName, OfficialKey: r.OfficialKey, FunctionMailbox: r.FunctionMailbox,
					ContactName: r.ContactName, Link: s.opts.Links.ReviewRegistration(r.ID)}}); err != nil {
				return fmt.Errorf("queue review notice: %w", err)
			}
		}
		return s.audit(ctx, tx, "", "confirm", ObjRegistration, r.ID, map[string]any{"functionMailbox": r.FunctionMailbox})
	})
	return out, err
}

// checkLink says why a confirmation link no longer works, or nil.
func (s *Store) checkLink(r *Registration, now time.Time) error {
	switch {
	case r.ConfirmedAt != nil:
		return refuse(ErrLinkUsed, "Dieser Bestätigungslink wurde bereits verwendet: Das Funktionspostfach %s ist seit %s bestätigt.",
			r.FunctionMailbox, r.ConfirmedAt.In(s.loc).Format("02.01.2006 15:04 Uhr"))
	case r.State != RegistrationUnconfirmed:
		return refuse(ErrLinkGone, "Dieser Bestätigungslink gilt nicht mehr (Stand der Registrierung: %s).", r.State.Label())
	case now.After(r.ConfirmBy):
		return refuse(ErrLinkGone, "Dieser Bestätigungslink ist am %s abgelaufen. Bitte registrieren Sie Ihre Behörde erneut; Sie erhalten dann einen neuen Link.",
			r.ConfirmBy.In(s.loc).Format("02.01.2006 um 15:04 Uhr"))
	}
	return nil
}

// LookupConfirmation returns the registration a confirmation link belongs
// to, for the page that asks to confirm; a link that no longer works gives
// the same ErrLinkGone refusals as ConfirmRegistration.
func (s *Store) LookupConfirmation(ctx context.Context, token string) (*Registration, error) {
	r := new(Registration)
	if len(token) > 200 {
		token = ""
	}
	if err := s.db.Read.NewSelect().Model(r).Where("token_hash = ?", secret.Hash(token)).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, refuse(ErrLinkGone, "Dieser Bestätigungslink ist ungültig. Bitte prüfen Sie, ob Sie den Link aus der E-Mail vollständig übernommen haben.")
		}
		return nil, fmt.Errorf("look up registration: %w", err)
	}
	if err := s.checkLink(r, s.now()); err != nil {
		return nil, err
	}
	return r, nil
}

// RegistrationFilter narrows the ministry's list.
type RegistrationFilter struct {
	State RegistrationState // "" for all
}

// ListRegistrations returns registrations, newest first.
func (s *Store) ListRegistrations(ctx context.Context, f RegistrationFilter) ([]Registration, error) {
	out := []Registration{}
	now := s.now()
	q := f.query(s.db.Read.NewSelect().Model(&out).OrderExpr("created_at DESC, id DESC").Limit(1000), now)
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list registrations: %w", err)
	}
	for i := range out {
		out[i].effective(now)
	}
	return out, nil
}

// query narrows q to the registrations in f's state at now.
func (f RegistrationFilter) query(q *bun.SelectQuery, now time.Time) *bun.SelectQuery {
	switch f.State {
	case "":
	case RegistrationUnconfirmed:
		q = q.Where("state = ? AND token_expires_at >= ?", f.State, now)
	case RegistrationExpired:
		q = q.Where("state = ? OR (state = ? AND token_expires_at < ?)", f.State, RegistrationUnconfirmed, now)
	default:
		q = q.Where("state = ?", f.State)
	}
	return q
}

// GetRegistration returns one registration.
func (s *Store) GetRegistration(ctx context.Context, id string) (*Registration, error) {
	r := new(Registration)
	if err := s.db.Read.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "registration "+id)
	}
	r.effective(s.now())
	return r, nil
}

// decide loads a registration inside tx and checks its state.
func (s *Store) decide(ctx context.Context, tx bun.Tx, id string, allowed ...RegistrationState) (*Registration, error) {
	r := new(Registration)
	if err := tx.NewSelect().Model(r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "registration "+id)
	}
	r.effective(s.now())
	for _, a := range allowed {
		if r.State == a {
			return r, nil
		}
	}
	return nil, refuse(ErrRefused, "Die Registrierung von %s steht auf „%s“; das ist dafür nicht der richtige Stand.", r.AuthorityName, r.State.Label())
}

// markDecided moves a registration on, guarded by its version.
func (s *Store) markDecided(ctx context.Context, tx bun.Tx, r *Registration) error {
	now := s.now()
	r.DecidedAt, r.DecidedBy, r.UpdatedAt = &now, tenant.ActorFrom(ctx).Label, now
	res, err := tx.NewUpdate().Model(r).Column("state", "decided_at", "decided_by", "reject_reason", "tenant_id", "updated_at").
		Set("version = version + 1").WherePK().Where("version = ?", r.Version).Exec(ctx)
	if err != nil {
		return fmt.Errorf("decide registration: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return tenant.ErrStaleVersion
	}
	r.Version++
	return nil
}

// Activation is what activating a registration made.
type Activation struct {
	Registration *Registration
	Tenant       *tenant.Tenant
	Invitation   *tenant.Invitation
	// InvitationToken is the secret of the invitation link (for tests).
	InvitationToken string
}

// ActivateRegistration turns a confirmed registration into a tenant (or
// takes the tenant of that key when it exists without members) with its
// first administrator invited at the Funktionspostfach, and mails the
// activation – all in one transaction.
func (s *Store) ActivateRegistration(ctx context.Context, id string) (*Activation, error) {
	var out *Activation
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.decide(ctx, tx, id, RegistrationConfirmed)
		if err != nil {
			return err
		}
		if err := s.checkNotRegisteredTenant(ctx, tx, r.OfficialKey); err != nil {
			return err
		}
		t, err := s.tenantForRegistration(ctx, tx, r)
		if err != nil {
			return err
		}
		inv, token, err := s.tenants.Invite(ctx, t.ID, r.FunctionMailbox, tenant.RoleMunicipalityAdmin)
		if err != nil {
			return fmt.Errorf("invite first administrator: %w", err)
		}
		r.State, r.TenantID = RegistrationActivated, &t.ID
		if err := s.markDecided(ctx, tx, r); err != nil {
			return err
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: t.ID, To: r.FunctionMailbox, Template: TemplateRegistrationActivated,
			Data: RegistrationMail{AuthorityName: t.Name, OfficialKey: r.OfficialKey, FunctionMailbox: r.FunctionMailbox,
				ContactName: r.ContactName, Link: s.opts.Links.Catalogue.To(), ExpiresAt: inv.ExpiresAt}}); err != nil {
			return fmt.Errorf("queue activation mail: %w", err)
		}
		out = &Activation{Registration: r, Tenant: t, Invitation: inv, InvitationToken: token}
		return s.audit(ctx, tx, t.ID, "activate", ObjRegistration, r.ID, map[string]any{
			"authorityName": r.AuthorityName, "officialKey": r.OfficialKey, "tenantId": t.ID, "functionMailbox": r.FunctionMailbox})
	})
	return out, err
}

// checkNotRegisteredTenant refuses to activate for a key whose tenant has
// gained members or an invitation since the registration.
func (s *Store) checkNotRegisteredTenant(ctx context.Context, db bun.IDB, key string) error {
	var t struct {
		ID   string `bun:"id"`
		Name string `bun:"name"`
	}
	err := db.NewSelect().Table("tenants").Column("id", "name").Where("official_key = ?", key).Limit(1).Scan(ctx, &t)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up tenant %s: %w", key, err)
	}
	n, err := db.NewSelect().Table("memberships").Join("JOIN users ON users.id = memberships.user_id").
		Where("memberships.tenant_id = ? AND users.active = ?", t.ID, true).Count(ctx)
	if err != nil {
		return fmt.Errorf("count members of %s: %w", key, err)
	}
	if n > 0 {
		return refuse(ErrDuplicate, "%s (%s) hat inzwischen ein Konto mit %d Mitglied(ern); die Registrierung kann nicht freigeschaltet werden. Bitte lehnen Sie sie mit einem Hinweis ab.", t.Name, key, n)
	}
	return nil
}

// tenantForRegistration returns the tenant of the registration's key:
// the existing one, brought up to date with the registration's mailbox,
// address and contact, or a new one below the Land or the Landkreis.
func (s *Store) tenantForRegistration(ctx context.Context, tx bun.Tx, r *Registration) (*tenant.Tenant, error) {
	list, err := gemeinden.Default()
	if err != nil {
		return nil, err
	}
	p, err := placeOf(list, r.OfficialKey)
	if err != nil {
		return nil, refuse(ErrRefused, "%s", err.Error())
	}
	contact := tenant.Contact{Name: r.ContactName, Role: "Ansprechperson (Registrierung Marktplatz)", Phone: r.ContactPhone}
	var existing struct {
		ID string `bun:"id"`
	}
	err = tx.NewSelect().Table("tenants").Column("id").Where("official_key = ?", p.key).Limit(1).Scan(ctx, &existing)
	switch {
	case err == nil:
		cur, err := s.tenantInDB(ctx, tx, existing.ID)
		if err != nil {
			return nil, err
		}
		contacts := append(cur.Contacts, contact)
		if len(contacts) > tenant.MaxContacts {
			contacts = contacts[len(contacts)-tenant.MaxContacts:]
		}
		active := true
		return s.tenants.UpdateTenant(ctx, existing.ID, 0, tenant.TenantPatch{FunctionMailbox: &r.FunctionMailbox,
			Street: &r.Street, PostalCode: &r.PostalCode, City: &r.City, Contacts: &contacts, Active: &active})
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("look up tenant %s: %w", p.key, err)
	}
	var parent struct {
		ID string `bun:"id"`
	}
	if err := tx.NewSelect().Table("tenants").Column("id").Where("official_key = ?", p.parentKey).Limit(1).Scan(ctx, &parent); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, refuse(ErrRefused, "Die übergeordnete Körperschaft mit dem Schlüssel %s gibt es auf der Plattform noch nicht. Bitte legen Sie sie zuerst in der Konsole an.", p.parentKey)
		}
		return nil, fmt.Errorf("look up parent %s: %w", p.parentKey, err)
	}
	key := p.key
	t := &tenant.Tenant{ParentID: &parent.ID, Kind: p.kind, Name: r.AuthorityName, OfficialKey: &key,
		FunctionMailbox: r.FunctionMailbox, Street: r.Street, PostalCode: r.PostalCode, City: r.City,
		Contacts: []tenant.Contact{contact}, Active: true}
	if err := s.tenants.CreateTenant(ctx, t); err != nil {
		var fe tenant.FieldErrors
		if errors.As(err, &fe) {
			// The slug of the name may be taken by another body of the same name.
			t.Slug = tenant.Slugify(r.AuthorityName) + "-" + key
			if err2 := s.tenants.CreateTenant(ctx, t); err2 == nil {
				return t, nil
			}
			return nil, refuse(ErrRefused, "Die Körperschaft konnte nicht angelegt werden: %s", fe.Error())
		}
		return nil, err
	}
	return t, nil
}

// RejectRegistration refuses a registration with a reason, which the
// Funktionspostfach receives by mail.
func (s *Store) RejectRegistration(ctx context.Context, id, reason string) (*Registration, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, fault.Field("reason", "Bitte begründen Sie die Ablehnung; die Begründung erhält die Behörde per E-Mail.")
	case utf8.RuneCountInString(reason) > MaxReason:
		return nil, i18n.FieldCoded("reason", i18n.CodeMaxLength, map[string]any{"max": MaxReason})
	}
	var out *Registration
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.decide(ctx, tx, id, RegistrationUnconfirmed, RegistrationConfirmed, RegistrationExpired)
		if err != nil {
			return err
		}
		r.State, r.RejectReason = RegistrationRejected, reason
		if err := s.markDecided(ctx, tx, r); err != nil {
			return err
		}
		if err := s.mailer.Enqueue(ctx, tx, mail.Message{To: r.FunctionMailbox, Template: TemplateRegistrationRejected,
			Data: RegistrationMail{AuthorityName: r.AuthorityName, OfficialKey: r.OfficialKey, FunctionMailbox: r.FunctionMailbox,
				ContactName: r.ContactName, Reason: reason, Link: s.opts.Links.Registration.To()}}); err != nil {
			return fmt.Errorf("queue rejection mail: %w", err)
		}
		out = r
		return s.audit(ctx, tx, "", "reject", ObjRegistration, r.ID, map[string]any{
			"authorityName": r.AuthorityName, "officialKey": r.OfficialKey, "reason": reason})
	})
	return out, err
}

// audit writes an entry; objects without a tenant of their own (products,
// registrations before activation) are recorded under the Land, so that
// the ministry finds them in its log.
func (s *Store) audit(ctx context.Context, db bun.IDB, tenantID, action, objType, objID string, summary map[string]any) error {
	if tenantID == "" {
		var land struct {
			ID string `bun:"id"`
		}
		err := db.NewSelect().Table("tenants").Column("id").Where("official_key = ?", landKey).Limit(1).Scan(ctx, &land)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find the Land for the audit log: %w", err)
		}
		tenantID = land.ID
	}
	return tenant.WriteAudit(ctx, db, tenant.Audit{TenantID: tenantID, Action: action, ObjectType: objType, ObjectID: objID, Summary: summary})
}
