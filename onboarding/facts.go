package onboarding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Scope says whether a checklist item is done per case or once per
// municipality.
type Scope string

// The scopes of a checklist item.
const (
	// ScopeCase items are done for each Antragsstrecke.
	ScopeCase Scope = "case"
	// ScopeTenant items (contract, contacts, Sprechstunde) are done once
	// per municipality: all its cases hold the same state.
	ScopeTenant Scope = "tenant"
)

// Valid reports whether sc is a known scope.
func (sc Scope) Valid() bool { return sc == ScopeCase || sc == ScopeTenant }

// Fact is something the system checks itself for a checklist item: such an
// item is set by the system and cannot be ticked by hand against the
// facts, so the phase rules rely on what is true, not on what was ticked.
type Fact string

// The facts the system checks.
const (
	// FactKeyValid: the FIT-Connect destination's encryption key was
	// fetched, validated and its certificate has not expired.
	FactKeyValid Fact = "key-valid"
	// FactDestinationActive: the platform reached the FIT-Connect
	// destination (its key was fetched at least once).
	FactDestinationActive Fact = "destination-active"
	// FactDVDVEntry: the DVDV directory has an active entry for the case's
	// Behördenkennung (with the intermediary's address).
	FactDVDVEntry Fact = "dvdv-entry"
	// FactDVDVCertificate: that entry carries a certificate that has not
	// expired.
	FactDVDVCertificate Fact = "dvdv-certificate"
	// FactMailboxUsers: the case names mailbox users (variant 2).
	FactMailboxUsers Fact = "mailbox-users"
	// FactTestReceived: a test application arrived and was picked up or
	// accepted (the successful connection test recorded at the case) – or
	// the ministry confirmed the go-live without it, which needs an
	// explicit, audited acknowledgement (ConfirmGoLive).
	FactTestReceived Fact = "test-received"
	// FactConsultationAttended: the municipality was registered for a
	// Sprechstunde that has taken place.
	FactConsultationAttended Fact = "consultation-attended"
)

// Facts lists the facts the system checks.
func Facts() []Fact {
	return []Fact{FactKeyValid, FactDestinationActive, FactDVDVEntry, FactDVDVCertificate, FactMailboxUsers,
		FactTestReceived, FactConsultationAttended}
}

func factNames() []string {
	var out []string
	for _, f := range Facts() {
		out = append(out, string(f))
	}
	return out
}

// Valid reports whether f is a known fact.
func (f Fact) Valid() bool {
	for _, g := range Facts() {
		if f == g {
			return true
		}
	}
	return false
}

// Label is the German description of what the system checks.
func (f Fact) Label() string {
	switch f {
	case FactKeyValid:
		return "Schlüssel des Zustellpunkts abgerufen und gültig"
	case FactDestinationActive:
		return "Zustellpunkt von der Plattform erreicht"
	case FactDVDVEntry:
		return "Eintrag im DVDV-Verzeichnis vorhanden"
	case FactDVDVCertificate:
		return "Gültiges Zertifikat im DVDV-Eintrag"
	case FactMailboxUsers:
		return "Postfach-Benutzer benannt"
	case FactTestReceived:
		return "Testantrag angekommen und abgeholt"
	case FactConsultationAttended:
		return "Sprechstunde besucht"
	}
	return string(f)
}

// SystemActor is the "done by" of items the system sets.
const SystemActor = "System"

// factState is what the system found for a fact.
type factState struct {
	ok   bool
	at   *time.Time // since when it holds, when known
	note string     // German, what was found
}

// dvdvFact is what onboarding reads of a DVDV entry.
type dvdvFact struct {
	Name         string     `bun:"name"`
	Endpoint     string     `bun:"endpoint"`
	Certificate  string     `bun:"certificate"`
	CertSubject  string     `bun:"cert_subject"`
	CertNotAfter *time.Time `bun:"cert_not_after"`
	Active       bool       `bun:"active"`
	CreatedAt    time.Time  `bun:"created_at"`
}

// factChecker evaluates the facts of one case, looking each source up at
// most once.
type factChecker struct {
	s   *Store
	db  bun.IDB
	c   *Case
	now time.Time

	dvdvDone bool
	dvdv     *dvdvFact
	consDone bool
	consAt   *time.Time
}

func (s *Store) newFactChecker(db bun.IDB, c *Case) *factChecker {
	return &factChecker{s: s, db: db, c: c, now: s.now()}
}

func day(t time.Time, loc *time.Location) string { return t.In(loc).Format("02.01.2006") }

// check evaluates one fact.
func (fc *factChecker) check(ctx context.Context, f Fact) (factState, error) {
	c, loc := fc.c, fc.s.loc
	switch f {
	case FactKeyValid, FactDestinationActive:
		k := c.Transport.Key
		switch {
		case c.Transport.DestinationID == "":
			return factState{note: "Tragen Sie zuerst die DestinationID des Zustellpunkts ein."}, nil
		case k == nil:
			return factState{note: "Die Plattform hat den Zustellpunkt noch nicht erreicht. Senden Sie einen Testantrag; dabei ruft sie den Schlüssel ab und prüft ihn."}, nil
		case f == FactDestinationActive:
			at := k.FetchedAt
			return factState{ok: true, at: &at, note: fmt.Sprintf("Zustellpunkt erreicht; Schlüssel zuletzt am %s abgerufen.", day(k.FetchedAt, loc))}, nil
		case !fc.now.Before(k.NotAfter):
			return factState{note: fmt.Sprintf("Das Zertifikat des Schlüssels ist am %s abgelaufen.", day(k.NotAfter, loc))}, nil
		}
		at := k.FetchedAt
		return factState{ok: true, at: &at, note: fmt.Sprintf("RSA %d Bit, Zertifikat gültig bis %s (geprüft am %s).", k.Bits, day(k.NotAfter, loc), day(k.FetchedAt, loc))}, nil
	case FactDVDVEntry, FactDVDVCertificate:
		kennung := c.Transport.DVDVKennung
		if kennung == "" {
			return factState{note: "Tragen Sie zuerst die DVDV-Behördenkennung ein."}, nil
		}
		e, err := fc.dvdvEntry(ctx, kennung)
		if err != nil {
			return factState{}, err
		}
		switch {
		case e == nil:
			return factState{note: fmt.Sprintf("Für %s gibt es noch keinen Eintrag im DVDV-Verzeichnis; das Ministerium legt ihn an.", kennung)}, nil
		case !e.Active:
			return factState{note: fmt.Sprintf("Der DVDV-Eintrag für %s ist deaktiviert.", kennung)}, nil
		case f == FactDVDVEntry:
			at := e.CreatedAt.UTC()
			return factState{ok: true, at: &at, note: fmt.Sprintf("Eintrag „%s“, Intermediär %s.", e.Name, e.Endpoint)}, nil
		case e.Certificate == "" || e.CertNotAfter == nil:
			return factState{note: fmt.Sprintf("Im DVDV-Eintrag für %s ist kein Zertifikat hinterlegt.", kennung)}, nil
		case !fc.now.Before(*e.CertNotAfter):
			return factState{note: fmt.Sprintf("Das Zertifikat im DVDV-Eintrag ist am %s abgelaufen.", day(*e.CertNotAfter, loc))}, nil
		}
		at := e.CreatedAt.UTC()
		return factState{ok: true, at: &at, note: fmt.Sprintf("Zertifikat %s gültig bis %s.", e.CertSubject, day(*e.CertNotAfter, loc))}, nil
	case FactMailboxUsers:
		if n := len(c.Transport.MailboxUsers); n > 0 {
			return factState{ok: true, note: fmt.Sprintf("%d Postfach-Benutzer in den Anbindungsdaten benannt.", n)}, nil
		}
		return factState{note: "Benennen Sie in den Anbindungsdaten, wer das Postfach abholt."}, nil
	case FactTestReceived:
		if c.TestDeliveryAt != nil {
			at := *c.TestDeliveryAt
			return factState{ok: true, at: &at, note: fmt.Sprintf("Testantrag am %s angekommen.", day(at, loc))}, nil
		}
		if c.LiveConfirmedAt != nil {
			at := *c.LiveConfirmedAt
			return factState{ok: true, at: &at, note: fmt.Sprintf("Kein erfolgreicher Testantrag erfasst; das Ministerium hat den Livegang am %s ausdrücklich trotzdem bestätigt.", day(at, loc))}, nil
		}
		if t := c.LastTest; t != nil && !t.OK {
			return factState{note: fmt.Sprintf("Der letzte Testantrag vom %s ist nicht angekommen. Details beim Anbindungstest.", day(t.At, loc))}, nil
		}
		return factState{note: "Noch kein Testantrag angekommen. Senden Sie einen Testantrag."}, nil
	case FactConsultationAttended:
		at, err := fc.consultation(ctx)
		if err != nil {
			return factState{}, err
		}
		if at == nil {
			return factState{note: "Melden Sie sich zu einer Sprechstunde an; nach dem Termin hakt das System den Punkt ab."}, nil
		}
		return factState{ok: true, at: at, note: fmt.Sprintf("Sprechstunde am %s (angemeldet).", day(*at, loc))}, nil
	}
	return factState{note: "Unbekannte Tatsache."}, nil
}

// dvdvEntry reads the DVDV entry of a Behördenkennung straight from the
// directory's table (onboarding/delivery/dvdv keeps it; onboarding sits
// below delivery and must not import it), or nil.
func (fc *factChecker) dvdvEntry(ctx context.Context, kennung string) (*dvdvFact, error) {
	if fc.dvdvDone {
		return fc.dvdv, nil
	}
	var e dvdvFact
	err := fc.db.NewSelect().Table("dvdv_entries").Column("name", "endpoint", "certificate", "cert_subject", "cert_not_after", "active", "created_at").
		Where("kennung = ?", kennung).Scan(ctx, &e)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		fc.dvdvDone = true
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("DVDV entry %s: %w", kennung, err)
	}
	fc.dvdv, fc.dvdvDone = &e, true
	return fc.dvdv, nil
}

// consultation returns the start of the latest Sprechstunde the case's
// municipality was registered for and that has begun, or nil.
func (fc *factChecker) consultation(ctx context.Context) (*time.Time, error) {
	if fc.consDone {
		return fc.consAt, nil
	}
	var at []time.Time
	err := fc.db.NewSelect().TableExpr("onboarding_consultation_attendance AS a").ColumnExpr("c.starts_at").
		Join("JOIN onboarding_consultations AS c ON c.id = a.consultation_id").
		Where("a.tenant_id = ? AND c.cancelled = ? AND c.starts_at <= ?", fc.c.TenantID, false, fc.now).
		OrderExpr("c.starts_at DESC").Limit(1).Scan(ctx, &at)
	if err != nil {
		return nil, fmt.Errorf("Sprechstunden of %s: %w", fc.c.TenantID, err)
	}
	fc.consDone = true
	if len(at) > 0 {
		t := at[0].UTC()
		fc.consAt = &t
	}
	return fc.consAt, nil
}

// applyFacts sets the items the system checks from the facts, in phases
// not yet completed; a completed phase keeps what was found when it was
// completed (completePhaseFacts stored it).
func (s *Store) applyFacts(ctx context.Context, db bun.IDB, c *Case, items []Item) error {
	fc := s.newFactChecker(db, c)
	for i := range items {
		it := &items[i]
		if it.Fact == "" {
			continue
		}
		it.System = true
		if c.Phase(it.Phase).Status == Completed {
			if it.Done {
				it.FactNote = "Beim Abschluss der Phase vom System festgestellt."
			}
			continue
		}
		st, err := fc.check(ctx, it.Fact)
		if err != nil {
			return err
		}
		it.Done, it.FactNote = st.ok, st.note
		it.DoneAt, it.DoneBy = nil, ""
		if st.ok {
			it.DoneBy = SystemActor
			it.DoneAt = st.at
			if it.DoneAt == nil {
				it.DoneAt = &it.UpdatedAt
			}
		}
	}
	return nil
}

// completePhaseFacts stores what the system found for the items of phase
// p, inside the transaction that completes it: the completed phase keeps
// its evidence even when a fact changes later (a key expires).
func (s *Store) completePhaseFacts(ctx context.Context, db bun.IDB, items []Item, p Phase, now time.Time) error {
	for _, it := range items {
		if it.Phase != p || it.Fact == "" || !it.Done {
			continue
		}
		at := now
		if it.DoneAt != nil {
			at = *it.DoneAt
		}
		if _, err := db.NewUpdate().Model((*itemRow)(nil)).Set("done = ?", true).Set("done_at = ?", at).Set("done_by = ?", SystemActor).
			Set("version = version + 1").Set("updated_at = ?", now).Where("id = ?", it.ID).Where("done = ?", false).Exec(ctx); err != nil {
			return fmt.Errorf("record fact of item %s: %w", it.ID, err)
		}
	}
	return nil
}
