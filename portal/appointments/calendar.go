package appointments

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
	"sozialplattform/tenant/keyset"
)

// Exception closes a calendar on the days From to To (inclusive, German
// calendar days "2006-01-02"; To empty means one day), e.g. holidays of
// the team or a closed office.
type Exception struct {
	From string `json:"from" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" doc:"erster geschlossener Tag"`
	To   string `json:"to,omitempty" pattern:"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$" doc:"letzter geschlossener Tag; leer = nur From"`
	Note string `json:"note,omitempty" maxLength:"100"`
}

// Calendar is a slot calendar of a tenant (a Beratungsstelle or a
// municipal office).
type Calendar struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	Name     string `json:"name" doc:"z. B. „Erstberatung Schulden“ oder „Sozialamt – Sprechstunde“"`
	Location string `json:"location" doc:"Ort des Termins, z. B. die Adresse oder „per Telefon“"`
	// SlotMinutes is the length of a slot.
	SlotMinutes int `json:"slotMinutes"`
	// Availability is the weekly time in which slots are offered.
	Availability []counselling.Interval `json:"availability"`
	// Exceptions are days without slots.
	Exceptions []Exception `json:"exceptions"`
	// HorizonDays is how far ahead slots can be booked.
	HorizonDays int `json:"horizonDays"`
	// MinNoticeMinutes is how long before its start a slot can still be
	// booked.
	MinNoticeMinutes int `json:"minNoticeMinutes"`
	// NotifyEmail is told of each booking and cancellation ("" = nobody).
	NotifyEmail string    `json:"notifyEmail"`
	Active      bool      `json:"active" doc:"nimmt Buchungen an und ist öffentlich sichtbar"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// calendarRow binds a calendar to its table.
type calendarRow struct {
	bun.BaseModel `bun:"table:appointment_calendars"`

	ID               string    `bun:"id,pk"`
	TenantID         string    `bun:"tenant_id"`
	Name             string    `bun:"name"`
	Location         string    `bun:"location"`
	SlotMinutes      int       `bun:"slot_minutes"`
	Availability     string    `bun:"availability"`
	Exceptions       string    `bun:"exceptions"`
	HorizonDays      int       `bun:"horizon_days"`
	MinNoticeMinutes int       `bun:"min_notice_minutes"`
	NotifyEmail      string    `bun:"notify_email"`
	Active           bool      `bun:"active"`
	Version          int       `bun:"version"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

func (r *calendarRow) model() (*Calendar, error) {
	c := &Calendar{ID: r.ID, TenantID: r.TenantID, Name: r.Name, Location: r.Location, SlotMinutes: r.SlotMinutes,
		HorizonDays: r.HorizonDays, MinNoticeMinutes: r.MinNoticeMinutes, NotifyEmail: r.NotifyEmail, Active: r.Active,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if err := json.Unmarshal([]byte(r.Availability), &c.Availability); err != nil {
		return nil, fmt.Errorf("decode availability of %s: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Exceptions), &c.Exceptions); err != nil {
		return nil, fmt.Errorf("decode exceptions of %s: %w", r.ID, err)
	}
	if c.Availability == nil {
		c.Availability = []counselling.Interval{}
	}
	if c.Exceptions == nil {
		c.Exceptions = []Exception{}
	}
	return c, nil
}

// CalendarInput creates or changes a calendar.
type CalendarInput struct {
	Name             string                 `required:"false" json:"name" maxLength:"200"`
	Location         string                 `required:"false" json:"location,omitempty" maxLength:"200"`
	SlotMinutes      int                    `required:"false" json:"slotMinutes" minimum:"10" maximum:"240" doc:"Länge eines Termins in Minuten (Vielfaches von 5)"`
	Availability     []counselling.Interval `required:"false" json:"availability" doc:"wöchentliche Zeiten, in denen Termine angeboten werden"`
	Exceptions       []Exception            `required:"false" json:"exceptions,omitempty"`
	HorizonDays      int                    `required:"false" json:"horizonDays,omitempty" minimum:"0" maximum:"365" doc:"wie weit im Voraus gebucht werden kann (Standard 42 Tage)"`
	MinNoticeMinutes int                    `required:"false" json:"minNoticeMinutes,omitempty" minimum:"0" maximum:"10080" doc:"Vorlauf vor Terminbeginn (Standard 120 Minuten)"`
	NotifyEmail      string                 `required:"false" json:"notifyEmail,omitempty" maxLength:"254" doc:"Postfach, das von Buchungen und Absagen erfährt"`
	Active           bool                   `required:"false" json:"active"`
}

// Limits of a calendar.
const (
	MaxExceptions = 200
	MaxTextLen    = 200
)

// validate checks and normalises the input.
func (in *CalendarInput) validate(loc *time.Location) error {
	var errs tenant.FieldErrors
	in.Name, in.Location = strings.TrimSpace(in.Name), strings.TrimSpace(in.Location)
	in.NotifyEmail = strings.ToLower(strings.TrimSpace(in.NotifyEmail))
	for _, f := range []struct{ field, v string }{{"name", in.Name}, {"location", in.Location}} {
		switch {
		case utf8.RuneCountInString(f.v) > MaxTextLen:
			errs.Append(i18n.Coded(f.field, i18n.CodeMaxLength, map[string]any{"max": MaxTextLen}))
		case strings.ContainsFunc(f.v, unicode.IsControl):
			errs.Append(i18n.Coded(f.field, i18n.CodeControlChars, nil))
		}
	}
	if in.Name == "" {
		errs.Add("name", "Bitte geben Sie dem Kalender einen Namen.")
	}
	if in.SlotMinutes < 10 || in.SlotMinutes > 240 || in.SlotMinutes%5 != 0 {
		errs.Add("slotMinutes", "Ein Termin dauert 10 bis 240 Minuten, in Schritten von 5 Minuten.")
	}
	if in.HorizonDays == 0 {
		in.HorizonDays = 42
	}
	if in.HorizonDays < 1 || in.HorizonDays > 365 {
		errs.Add("horizonDays", "Bitte zwischen 1 und 365 Tagen.")
	}
	if in.MinNoticeMinutes < 0 || in.MinNoticeMinutes > 7*24*60 {
		errs.Add("minNoticeMinutes", "Bitte zwischen 0 Minuten und 7 Tagen.")
	}
	if in.NotifyEmail != "" {
		if a, err := mail.ParseAddress(in.NotifyEmail); err != nil || a.Address != in.NotifyEmail {
			errs.Add("notifyEmail", "Keine gültige E-Mail-Adresse.")
		}
	}
	if len(in.Availability) > counselling.MaxIntervals {
		errs.Add("availability", "Höchstens %d Zeiten.", counselling.MaxIntervals)
	}
	in.Availability = counselling.ValidateHours(&errs, "availability", in.Availability)
	if in.Active && len(in.Availability) == 0 {
		errs.Add("availability", "Ein aktiver Kalender braucht mindestens eine Zeit, in der Termine angeboten werden.")
	}
	if len(in.Exceptions) > MaxExceptions {
		errs.Add("exceptions", "Höchstens %d Ausnahmen.", MaxExceptions)
	}
	for i := range in.Exceptions {
		x := &in.Exceptions[i]
		f := fmt.Sprintf("exceptions[%d]", i)
		x.From, x.To, x.Note = strings.TrimSpace(x.From), strings.TrimSpace(x.To), strings.TrimSpace(x.Note)
		from, err := time.ParseInLocation("2006-01-02", x.From, loc)
		if err != nil {
			errs.Add(f+".from", "Bitte geben Sie den Tag als JJJJ-MM-TT an.")
			continue
		}
		if x.To == "" {
			x.To = x.From
		}
		to, err := time.ParseInLocation("2006-01-02", x.To, loc)
		switch {
		case err != nil:
			errs.Add(f+".to", "Bitte geben Sie den Tag als JJJJ-MM-TT an.")
		case to.Before(from):
			errs.Add(f+".to", "Der letzte Tag liegt vor dem ersten.")
		case to.Sub(from) > 366*24*time.Hour:
			errs.Add(f+".to", "Eine Ausnahme dauert höchstens ein Jahr.")
		}
		if utf8.RuneCountInString(x.Note) > 100 || strings.ContainsFunc(x.Note, unicode.IsControl) {
			errs.Add(f+".note", "Höchstens 100 Zeichen ohne Steuerzeichen.")
		}
	}
	if in.Exceptions == nil {
		in.Exceptions = []Exception{}
	}
	return errs.Err()
}

func (in *CalendarInput) row() (availability, exceptions string, err error) {
	a, err := json.Marshal(in.Availability)
	if err != nil {
		return "", "", fmt.Errorf("encode availability: %w", err)
	}
	x, err := json.Marshal(in.Exceptions)
	if err != nil {
		return "", "", fmt.Errorf("encode exceptions: %w", err)
	}
	return string(a), string(x), nil
}

// CreateCalendar adds a calendar to a tenant.
func (s *Store) CreateCalendar(ctx context.Context, tenantID string, in CalendarInput) (*Calendar, error) {
	if err := in.validate(s.loc); err != nil {
		return nil, err
	}
	a, x, err := in.row()
	if err != nil {
		return nil, err
	}
	now := s.now()
	row := &calendarRow{ID: uuid.Must(uuid.NewV7()).String(), TenantID: tenantID, Name: in.Name, Location: in.Location,
		SlotMinutes: in.SlotMinutes, Availability: a, Exceptions: x, HorizonDays: in.HorizonDays, MinNoticeMinutes: in.MinNoticeMinutes,
		NotifyEmail: in.NotifyEmail, Active: in.Active, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("insert calendar: %w", err)
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "create", ObjectType: ObjAppointment + "-calendar",
			ObjectID: row.ID, Summary: map[string]any{"name": in.Name, "slotMinutes": in.SlotMinutes, "active": in.Active}})
	})
	if err != nil {
		return nil, err
	}
	return row.model()
}

// UpdateCalendar changes a calendar; version must match unless 0. Slots
// already booked stay booked, also outside the new times.
func (s *Store) UpdateCalendar(ctx context.Context, id string, version int, in CalendarInput) (*Calendar, error) {
	if err := in.validate(s.loc); err != nil {
		return nil, err
	}
	a, x, err := in.row()
	if err != nil {
		return nil, err
	}
	var out *Calendar
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var row calendarRow
		if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "calendar "+id)
		}
		if version != 0 && row.Version != version {
			return tenant.ErrStaleVersion
		}
		before := map[string]any{"name": row.Name, "slotMinutes": row.SlotMinutes, "active": row.Active, "availability": row.Availability}
		row.Name, row.Location, row.SlotMinutes, row.Availability, row.Exceptions = in.Name, in.Location, in.SlotMinutes, a, x
		row.HorizonDays, row.MinNoticeMinutes, row.NotifyEmail, row.Active = in.HorizonDays, in.MinNoticeMinutes, in.NotifyEmail, in.Active
		row.Version++
		row.UpdatedAt = s.now()
		res, err := tx.NewUpdate().Model(&row).WherePK().Where("version = ?", row.Version-1).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update calendar: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tenant.ErrStaleVersion
		}
		if out, err = row.model(); err != nil {
			return err
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: row.TenantID, Action: "update", ObjectType: ObjAppointment + "-calendar", ObjectID: id,
			Summary: map[string]any{"before": before, "after": map[string]any{"name": row.Name, "slotMinutes": row.SlotMinutes, "active": row.Active, "availability": a}}})
	})
	return out, err
}

// Calendar returns a calendar by ID.
func (s *Store) Calendar(ctx context.Context, id string) (*Calendar, error) {
	var row calendarRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "calendar "+id)
	}
	return row.model()
}

// Calendars returns the calendars of the tenants, by name; only active
// ones when activeOnly.
func (s *Store) Calendars(ctx context.Context, tenantIDs []string, activeOnly bool) ([]Calendar, error) {
	return s.calendars(ctx, tenantIDs, activeOnly, nil)
}

// CalendarsPage returns one page of the tenants' calendars by name, plus
// one when another page follows.
func (s *Store) CalendarsPage(ctx context.Context, tenantIDs []string, p keyset.Page[CalendarKey]) ([]Calendar, error) {
	return s.calendars(ctx, tenantIDs, false, &p)
}

// CalendarKey is a calendar's position in CalendarsPage.
type CalendarKey struct {
	Name string `json:"m"`
	ID   string `json:"i"`
}

// PageKey is c's position in CalendarsPage.
func (c Calendar) PageKey() CalendarKey { return CalendarKey{Name: c.Name, ID: c.ID} }

var calendarOrder = keyset.Order{{Expr: "name"}, {Expr: "id"}}

func (s *Store) calendars(ctx context.Context, tenantIDs []string, activeOnly bool, p *keyset.Page[CalendarKey]) ([]Calendar, error) {
	out := []Calendar{}
	if len(tenantIDs) == 0 {
		return out, nil
	}
	var rows []calendarRow
	q := s.db.Read.NewSelect().Model(&rows).Where("tenant_id IN (?)", bun.In(tenantIDs))
	if p != nil {
		var after []any
		if a := p.After; a != nil {
			after = []any{a.Name, a.ID}
		}
		q = calendarOrder.Apply(q, p.Size(), after...)
	} else {
		q = q.OrderExpr("name, id")
	}
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list calendars: %w", err)
	}
	for i := range rows {
		c, err := rows[i].model()
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}
