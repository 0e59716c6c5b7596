package onboarding

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/phone"
)

// ObjSupportContact is a support actor of the onboarding (the ministry
// maintains them; municipalities read them on their case pages).
const ObjSupportContact = "onboarding-support-contact"

// SupportContact is an actor who accompanies municipalities through the
// onboarding – the seed names the Anbindungssupport NRW and the Dataport
// Roll-In-Management – with what it helps with, its function mailbox and
// phone, and the Anbindungsvarianten and phases it covers. The ministry
// keeps them as data: the case pages show the actors for a case's variant
// and phase, and the order confirmation names those of the first phase.
type SupportContact struct {
	ID   string `json:"id"`
	Name string `json:"name" doc:"z. B. Anbindungssupport NRW"`
	// Role says what the actor helps with, in one or two sentences.
	Role    string `json:"role" doc:"wobei die Stelle hilft"`
	Mailbox string `json:"mailbox" doc:"Funktionspostfach"`
	Phone   string `json:"phone,omitempty"`
	// Variants are the Anbindungsvarianten covered; empty covers all.
	Variants []Variant `json:"variants"`
	// Phases are the phases covered; empty covers all.
	Phases   []Phase `json:"phases"`
	Position int     `json:"position"`
	Version  int     `json:"version"`
}

// Covers reports whether the actor is one to ask in a case of variant v
// whose current phase is p. A case without a variant yet is helped by the
// actors of every variant: choosing one is what they help with.
func (c SupportContact) Covers(v Variant, p Phase) bool {
	variantOK := len(c.Variants) == 0 || !v.Valid() || slices.Contains(c.Variants, v)
	phaseOK := len(c.Phases) == 0 || slices.Contains(c.Phases, p)
	return variantOK && phaseOK
}

// CoverageLabel says in German what the actor covers: "alle Varianten ·
// Vorbereitung technische Anbindung, Anbindungstests".
func (c SupportContact) CoverageLabel() string {
	vs, ps := "alle Anbindungsvarianten", "alle Phasen"
	if len(c.Variants) > 0 {
		parts := make([]string, len(c.Variants))
		for i, v := range c.Variants {
			parts[i] = v.Label()
		}
		vs = strings.Join(parts, ", ")
	}
	if len(c.Phases) > 0 {
		parts := make([]string, len(c.Phases))
		for i, p := range c.Phases {
			parts[i] = p.Label()
		}
		ps = strings.Join(parts, ", ")
	}
	return vs + " · " + ps
}

type supportContactRow struct {
	bun.BaseModel `bun:"table:onboarding_support_contacts"`
	ID            string    `bun:"id,pk"`
	Name          string    `bun:"name"`
	Role          string    `bun:"role"`
	Mailbox       string    `bun:"mailbox"`
	Phone         string    `bun:"phone"`
	Variants      string    `bun:"variants"`
	Phases        string    `bun:"phases"`
	Position      int       `bun:"position"`
	Version       int       `bun:"version"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

func (r *supportContactRow) model() SupportContact {
	c := SupportContact{ID: r.ID, Name: r.Name, Role: r.Role, Mailbox: r.Mailbox, Phone: r.Phone, Position: r.Position,
		Version: r.Version, Variants: []Variant{}, Phases: []Phase{}}
	for _, s := range strings.Split(r.Variants, ",") {
		if n, err := strconv.Atoi(s); err == nil && Variant(n).Valid() {
			c.Variants = append(c.Variants, Variant(n))
		}
	}
	for _, s := range strings.Split(r.Phases, ",") {
		if Phase(s).Valid() {
			c.Phases = append(c.Phases, Phase(s))
		}
	}
	return c
}

func (r *supportContactRow) summary() map[string]any {
	return map[string]any{"name": r.Name, "role": r.Role, "mailbox": r.Mailbox, "phone": r.Phone,
		"variants": r.Variants, "phases": r.Phases, "position": r.Position}
}

// SupportContactInput is what the ministry enters for an actor.
type SupportContactInput struct {
	Name     string
	Role     string
	Mailbox  string
	Phone    string
	Variants []Variant
	Phases   []Phase
	Position int
}

// Validate normalizes the input and names every wrong field
// (tenant.FieldErrors); the store calls it, and a form may call it to show
// these messages beside its own.
func (in *SupportContactInput) Validate() error {
	var errs tenant.FieldErrors
	in.Name = strings.TrimSpace(in.Name)
	in.Role = strings.TrimSpace(in.Role)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs.Add("name", "Bitte geben Sie den Namen der Stelle an, z. B. Anbindungssupport NRW.")
	case n > 120:
		errs.Add("name", "Der Name darf höchstens 120 Zeichen lang sein.")
	}
	switch n := utf8.RuneCountInString(in.Role); {
	case n == 0:
		errs.Add("role", "Bitte beschreiben Sie, wobei die Stelle hilft.")
	case n > 500:
		errs.Add("role", "Die Beschreibung darf höchstens 500 Zeichen lang sein.")
	}
	if strings.TrimSpace(in.Mailbox) == "" {
		errs.Add("mailbox", "Bitte geben Sie das Funktionspostfach der Stelle an.")
	} else if addr, err := tenant.NormalizeEmail(in.Mailbox); err != nil {
		errs.Add("mailbox", "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. anbindung@sozialplattform.info.")
	} else {
		in.Mailbox = addr
	}
	phone.Check(&errs, "phone", &in.Phone)
	for _, v := range in.Variants {
		if !v.Valid() {
			errs.Add("variants", "Bitte wählen Sie nur die Varianten 1, 2 oder 3.")
			break
		}
	}
	for _, p := range in.Phases {
		if !p.Valid() {
			errs.Add("phases", "Bitte wählen Sie nur bekannte Phasen.")
			break
		}
	}
	if in.Position < 0 || in.Position > 999 {
		errs.Add("position", "Bitte geben Sie eine Reihenfolge von 0 bis 999 an.")
	}
	return errs.Err()
}

// row builds the stored form; lists are sorted and deduplicated, and a
// list naming every variant or phase is stored as "all".
func (in *SupportContactInput) row(id string) supportContactRow {
	vs := slices.Clone(in.Variants)
	slices.Sort(vs)
	vs = slices.Compact(vs)
	if len(vs) == len(Variants()) {
		vs = nil
	}
	var ps []string
	for _, p := range Phases() { // in the phases' order
		if slices.Contains(in.Phases, p) {
			ps = append(ps, string(p))
		}
	}
	if len(ps) == len(Phases()) {
		ps = nil
	}
	vsText := make([]string, len(vs))
	for i, v := range vs {
		vsText[i] = strconv.Itoa(int(v))
	}
	return supportContactRow{ID: id, Name: in.Name, Role: in.Role, Mailbox: in.Mailbox, Phone: in.Phone,
		Variants: strings.Join(vsText, ","), Phases: strings.Join(ps, ","), Position: in.Position}
}

// ListSupportContacts returns every support actor in the ministry's order.
func (s *Store) ListSupportContacts(ctx context.Context) ([]SupportContact, error) {
	return s.supportContacts(ctx, s.db.Read)
}

func (s *Store) supportContacts(ctx context.Context, db bun.IDB) ([]SupportContact, error) {
	var rows []supportContactRow
	if err := db.NewSelect().Model(&rows).OrderExpr("position, name, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list support contacts: %w", err)
	}
	out := make([]SupportContact, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
	}
	return out, nil
}

// SupportContactsFor returns the actors to ask in case c: those covering
// its variant and its current phase.
func (s *Store) SupportContactsFor(ctx context.Context, c *Case) ([]SupportContact, error) {
	all, err := s.ListSupportContacts(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(sc SupportContact) bool { return !sc.Covers(c.Variant, c.CurrentPhase()) }), nil
}

// OnboardingContacts returns the actors who accompany a new order: those
// covering the first phase (the cases an order opens start there, without
// a variant), read through db so that the marketplace's order transaction
// sees them.
func (s *Store) OnboardingContacts(ctx context.Context, db bun.IDB) ([]SupportContact, error) {
	all, err := s.supportContacts(ctx, db)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(sc SupportContact) bool { return !sc.Covers(VariantNone, PhasePreparation) }), nil
}

// GetSupportContact returns one actor.
func (s *Store) GetSupportContact(ctx context.Context, id string) (*SupportContact, error) {
	var row supportContactRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "support contact "+id)
	}
	c := row.model()
	return &c, nil
}

// CreateSupportContact adds an actor; wrong fields come back as
// tenant.FieldErrors.
func (s *Store) CreateSupportContact(ctx context.Context, in SupportContactInput) (*SupportContact, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	row := in.row(newID())
	now := s.now()
	row.Version, row.CreatedAt, row.UpdatedAt = 1, now, now
	var out SupportContact
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("insert support contact: %w", err)
		}
		out = row.model()
		return audit(ctx, tx, "", "create", ObjSupportContact, row.ID, map[string]any{"after": row.summary()})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateSupportContact changes an actor; version must be the one the
// editor saw (tenant.ErrStaleVersion otherwise).
func (s *Store) UpdateSupportContact(ctx context.Context, id string, version int, in SupportContactInput) (*SupportContact, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out SupportContact
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var old supportContactRow
		if err := tx.NewSelect().Model(&old).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "support contact "+id)
		}
		if old.Version != version {
			return tenant.ErrStaleVersion
		}
		row := in.row(id)
		row.Version, row.CreatedAt, row.UpdatedAt = old.Version+1, old.CreatedAt, s.now()
		res, err := tx.NewUpdate().Model(&row).ExcludeColumn("created_at").WherePK().Where("version = ?", old.Version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update support contact %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tenant.ErrStaleVersion
		}
		out = row.model()
		return audit(ctx, tx, "", "update", ObjSupportContact, id, diff(old.summary(), row.summary()))
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSupportContact removes an actor; version as in
// UpdateSupportContact.
func (s *Store) DeleteSupportContact(ctx context.Context, id string, version int) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var old supportContactRow
		if err := tx.NewSelect().Model(&old).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "support contact "+id)
		}
		res, err := tx.NewDelete().Model((*supportContactRow)(nil)).Where("id = ? AND version = ?", id, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("delete support contact %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tenant.ErrStaleVersion
		}
		return audit(ctx, tx, "", "delete", ObjSupportContact, id, map[string]any{"before": old.summary()})
	})
}
