package onboarding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
	tmail "sozialplattform/tenant/mail"
)

// ConsultationRule is the recurrence of the Sprechstunde "Anbindung zur
// Sozialplattform": every IntervalWeeks weeks on Weekday at StartTime
// (Europe/Berlin) for DurationMinutes, in the series that AnchorOn belongs
// to. The ministry may change it; future dates the rule made and nobody
// touched follow the change.
type ConsultationRule struct {
	Title           string       `json:"title"`
	Weekday         time.Weekday `json:"weekday" minimum:"0" maximum:"6" doc:"0 = Sonntag … 3 = Mittwoch"`
	IntervalWeeks   int          `json:"intervalWeeks" minimum:"1" maximum:"8"`
	StartTime       string       `json:"startTime" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$" doc:"Beginn, Ortszeit Europe/Berlin"`
	DurationMinutes int          `json:"durationMinutes" minimum:"10" maximum:"480"`
	AnchorOn        time.Time    `json:"anchorOn" doc:"ein Termin der Reihe (Datum)"`
	Location        string       `json:"location"`
	Version         int          `json:"version" doc:"0: die Regel der Folien, noch nie geändert"`
	UpdatedAt       *time.Time   `json:"updatedAt,omitempty" doc:"fehlt, solange die Regel nie geändert wurde"`
}

// defaultRule is the seed's Sprechstunde: every second Wednesday 14:00 for
// 30 minutes, in the series of 24.09., 08.10., … 03.12.2025.
func defaultRule() ConsultationRule {
	return ConsultationRule{Title: "Sprechstunde „Anbindung zur Sozialplattform“", Weekday: time.Wednesday, IntervalWeeks: 2,
		StartTime: "14:00", DurationMinutes: 30, AnchorOn: time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC),
		Location: "Teams-Veranstaltung (Link wird per Verteiler zur Verfügung gestellt)"}
}

// Describe says the rule in German: "Jeden zweiten Mittwoch, 14:00 Uhr,
// 30 Minuten".
func (r ConsultationRule) Describe() string {
	every := map[int]string{1: "Jeden", 2: "Jeden zweiten", 3: "Jeden dritten", 4: "Jeden vierten"}[r.IntervalWeeks]
	if every == "" {
		every = fmt.Sprintf("Alle %d Wochen am", r.IntervalWeeks)
	}
	return fmt.Sprintf("%s %s, %s Uhr, %d Minuten", every, germanWeekday(r.Weekday), r.StartTime, r.DurationMinutes)
}

func germanWeekday(d time.Weekday) string {
	return [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}[d]
}

type ruleRow struct {
	bun.BaseModel   `bun:"table:onboarding_consultation_rule"`
	ID              int       `bun:"id,pk"`
	Title           string    `bun:"title"`
	Weekday         int       `bun:"weekday"`
	IntervalWeeks   int       `bun:"interval_weeks"`
	StartTime       string    `bun:"start_time"`
	DurationMinutes int       `bun:"duration_minutes"`
	AnchorOn        time.Time `bun:"anchor_on"`
	Location        string    `bun:"location"`
	Version         int       `bun:"version"`
	UpdatedAt       time.Time `bun:"updated_at"`
}

// Rule returns the recurrence rule (the seed's when none is stored).
func (s *Store) Rule(ctx context.Context) (ConsultationRule, error) {
	return s.rule(ctx, s.db.Read)
}

func (s *Store) rule(ctx context.Context, db bun.IDB) (ConsultationRule, error) {
	var row ruleRow
	err := db.NewSelect().Model(&row).Where("id = 1").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return defaultRule(), nil
	}
	if err != nil {
		return ConsultationRule{}, fmt.Errorf("load Sprechstunden rule: %w", err)
	}
	updated := row.UpdatedAt.UTC()
	return ConsultationRule{Title: row.Title, Weekday: time.Weekday(row.Weekday), IntervalWeeks: row.IntervalWeeks, StartTime: row.StartTime,
		DurationMinutes: row.DurationMinutes, AnchorOn: row.AnchorOn.UTC(), Location: row.Location, Version: row.Version, UpdatedAt: &updated}, nil
}

var clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)

func (r *ConsultationRule) validate() error {
	var errs tenant.FieldErrors
	r.Title = strings.TrimSpace(r.Title)
	r.Location = strings.TrimSpace(r.Location)
	if r.Title == "" || utf8.RuneCountInString(r.Title) > 200 {
		errs.Add("title", "Bitte geben Sie einen Titel mit höchstens 200 Zeichen an.")
	}
	if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
		errs.Add("weekday", "Bitte wählen Sie einen Wochentag.")
	}
	if r.IntervalWeeks < 1 || r.IntervalWeeks > 8 {
		errs.Add("intervalWeeks", "Bitte wählen Sie einen Abstand von 1 bis 8 Wochen.")
	}
	if !clockPattern.MatchString(r.StartTime) {
		errs.Add("startTime", "Bitte geben Sie die Uhrzeit als HH:MM an, z. B. 14:00.")
	}
	if r.DurationMinutes < 10 || r.DurationMinutes > 480 {
		errs.Add("durationMinutes", "Bitte geben Sie eine Dauer von 10 bis 480 Minuten an.")
	}
	if r.AnchorOn.IsZero() {
		errs.Add("anchorOn", "Bitte geben Sie einen Termin der Reihe an.")
	}
	if utf8.RuneCountInString(r.Location) > 500 {
		errs.Append(i18n.Coded("location", i18n.CodeMaxLength, map[string]any{"max": 500}))
	}
	return errs.Err()
}

// at returns the start of the Sprechstunde on the German calendar day d.
func (r ConsultationRule) at(d time.Time, loc *time.Location) time.Time {
	m := clockPattern.FindStringSubmatch(r.StartTime)
	h, min := 14, 0
	if m != nil {
		fmt.Sscanf(m[1], "%d", &h)
		fmt.Sscanf(m[2], "%d", &min)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, min, 0, 0, loc).UTC()
}

// nextAfter returns the first date of the series that starts after t.
func (r ConsultationRule) nextAfter(t time.Time, loc *time.Location) time.Time {
	a := r.AnchorOn
	day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, loc)
	for day.Weekday() != r.Weekday {
		day = day.AddDate(0, 0, 1)
	}
	step := 7 * max(r.IntervalWeeks, 1)
	local := t.In(loc)
	target := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	if days := int(target.Sub(day).Hours() / 24); days > 0 {
		day = day.AddDate(0, 0, days/step*step)
	}
	for !r.at(day, loc).After(t) {
		day = day.AddDate(0, 0, step)
	}
	return r.at(day, loc)
}

// Next returns the next n dates of the rule after t (for previews).
func (r ConsultationRule) Next(t time.Time, n int, loc *time.Location) []time.Time {
	out := make([]time.Time, 0, n)
	for len(out) < n {
		t = r.nextAfter(t, loc)
		out = append(out, t)
	}
	return out
}

// The two kinds of Sprechstunde the ministry runs.
const (
	// KindOZG is the numbered OZG-Sprechstunde ("63. OZG-Sprechstunde"),
	// each date with a topic of its own, entered by the ministry.
	KindOZG = "ozg"
	// KindAnbindung is the fortnightly Sprechstunde "Anbindung zur
	// Sozialplattform": dates made by the ConsultationRule, without
	// numbers, none between 24.12. and 01.01. or on a public holiday of
	// Sachsen-Anhalt.
	KindAnbindung = "anbindung"
)

// KindLabel names a kind of Sprechstunde in German.
func KindLabel(kind string) string {
	switch kind {
	case KindOZG:
		return "OZG-Sprechstunde"
	case KindAnbindung:
		return "Anbindungs-Sprechstunde"
	}
	return kind
}

// Consultation is one Sprechstunde.
type Consultation struct {
	ID              string       `json:"id"`
	Kind            string       `json:"kind" enum:"ozg,anbindung" doc:"ozg: nummerierte OZG-Sprechstunde mit Thema; anbindung: zweiwöchentliche Anbindungs-Sprechstunde nach der Regel"`
	Number          int          `json:"number" doc:"laufende Nummer der OZG-Sprechstunde, z. B. 63; 0 bei der Anbindungs-Sprechstunde"`
	Title           string       `json:"title" doc:"z. B. „63. OZG-Sprechstunde“ oder „Anbindungs-Sprechstunde“"`
	StartsAt        time.Time    `json:"startsAt"`
	EndsAt          time.Time    `json:"endsAt"`
	DurationMinutes int          `json:"durationMinutes"`
	Topic           string       `json:"topic"`
	Generated       bool         `json:"generated" doc:"aus der Regel erzeugt und nicht bearbeitet"`
	Cancelled       bool         `json:"cancelled"`
	AttendeeCount   int          `json:"attendeeCount"`
	Attendees       []Attendance `json:"attendees" doc:"Anmeldungen der Körperschaften, die der Aufrufer sehen darf"`
	Version         int          `json:"version"`
}

// Attendance is a municipality's registration for a Sprechstunde.
type Attendance struct {
	ConsultationID string    `json:"consultationId"`
	TenantID       string    `json:"tenantId"`
	TenantName     string    `json:"tenantName"`
	Name           string    `json:"name"`
	Email          string    `json:"email"`
	RegisteredBy   string    `json:"registeredBy"`
	RegisteredAt   time.Time `json:"registeredAt"`
}

type consultationRow struct {
	bun.BaseModel   `bun:"table:onboarding_consultations"`
	ID              string     `bun:"id,pk"`
	Kind            string     `bun:"kind"`
	Number          int        `bun:"number"`
	StartsAt        time.Time  `bun:"starts_at"`
	DurationMinutes int        `bun:"duration_minutes"`
	Topic           string     `bun:"topic"`
	Generated       bool       `bun:"generated"`
	Cancelled       bool       `bun:"cancelled"`
	RemindedAt      *time.Time `bun:"reminded_at"`
	Version         int        `bun:"version"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

func (r *consultationRow) model() Consultation {
	start := r.StartsAt.UTC()
	title := KindLabel(r.Kind)
	if r.Kind == KindOZG && r.Number > 0 {
		title = fmt.Sprintf("%d. %s", r.Number, title)
	}
	return Consultation{ID: r.ID, Kind: r.Kind, Number: r.Number, Title: title, StartsAt: start, EndsAt: start.Add(time.Duration(r.DurationMinutes) * time.Minute),
		DurationMinutes: r.DurationMinutes, Topic: r.Topic, Generated: r.Generated, Cancelled: r.Cancelled,
		Attendees: []Attendance{}, Version: r.Version}
}

type attendanceRow struct {
	bun.BaseModel  `bun:"table:onboarding_consultation_attendance"`
	ConsultationID string    `bun:"consultation_id,pk"`
	TenantID       string    `bun:"tenant_id,pk"`
	Name           string    `bun:"name"`
	Email          string    `bun:"email"`
	RegisteredBy   string    `bun:"registered_by"`
	RegisteredAt   time.Time `bun:"registered_at"`
}

// ConsultationFilter narrows a listing.
type ConsultationFilter struct {
	From, To time.Time // zero: no bound
	Kind     string    // KindOZG or KindAnbindung; "": both
	// VisibleTenants limits the attendees shown (counts include all);
	// nil shows every attendee.
	VisibleTenants []string
	// OnlyTenant lists only the Sprechstunden this tenant registered for.
	OnlyTenant string
}

// ListConsultations returns Sprechstunden in date order with their
// attendance.
func (s *Store) ListConsultations(ctx context.Context, f ConsultationFilter) ([]Consultation, error) {
	var rows []consultationRow
	if err := f.query(s.db.Read.NewSelect().Model(&rows)).OrderExpr("starts_at, number").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list Sprechstunden: %w", err)
	}
	return s.withAttendance(ctx, rows, f)
}

// query narrows q to the Sprechstunden f matches.
func (f ConsultationFilter) query(q *bun.SelectQuery) *bun.SelectQuery {
	if !f.From.IsZero() {
		q = q.Where("starts_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("starts_at < ?", f.To.UTC())
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.OnlyTenant != "" {
		q = q.Where("id IN (SELECT consultation_id FROM onboarding_consultation_attendance WHERE tenant_id = ?)", f.OnlyTenant)
	}
	return q
}

// withAttendance adds the attendance of the listed Sprechstunden, showing
// the attendees f lets see.
func (s *Store) withAttendance(ctx context.Context, rows []consultationRow, f ConsultationFilter) ([]Consultation, error) {
	out := make([]Consultation, len(rows))
	idx := make(map[string]int, len(rows))
	ids := make([]string, len(rows))
	for i := range rows {
		out[i] = rows[i].model()
		idx[rows[i].ID] = i
		ids[i] = rows[i].ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	atts, err := s.attendance(ctx, s.db.Read, ids)
	if err != nil {
		return nil, err
	}
	visible := map[string]bool{}
	for _, id := range f.VisibleTenants {
		visible[id] = true
	}
	for _, a := range atts {
		i := idx[a.ConsultationID]
		out[i].AttendeeCount++
		if f.VisibleTenants == nil || visible[a.TenantID] {
			out[i].Attendees = append(out[i].Attendees, a)
		}
	}
	return out, nil
}

// attendance returns the registrations for some Sprechstunden with the
// tenants' names.
func (s *Store) attendance(ctx context.Context, db bun.IDB, ids []string) ([]Attendance, error) {
	var out []Attendance
	err := db.NewSelect().TableExpr("onboarding_consultation_attendance AS a").
		ColumnExpr("a.consultation_id, a.tenant_id, t.name AS tenant_name, a.name, a.email, a.registered_by, a.registered_at").
		Join("JOIN tenants AS t ON t.id = a.tenant_id").Where("a.consultation_id IN (?)", bun.In(ids)).
		OrderExpr("t.name").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("load Sprechstunden attendance: %w", err)
	}
	for i := range out {
		out[i].RegisteredAt = out[i].RegisteredAt.UTC()
	}
	return out, nil
}

// GetConsultation returns one Sprechstunde with every attendee.
func (s *Store) GetConsultation(ctx context.Context, id string) (*Consultation, error) {
	var row consultationRow
	if err := s.db.Read.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fault.NotFound(err, "Sprechstunde "+id)
	}
	c := row.model()
	atts, err := s.attendance(ctx, s.db.Read, []string{id})
	if err != nil {
		return nil, err
	}
	c.Attendees, c.AttendeeCount = atts, len(atts)
	if c.Attendees == nil {
		c.Attendees = []Attendance{}
	}
	return &c, nil
}

// ConsultationInput is a Sprechstunde as the ministry enters it: an
// OZG-Sprechstunde (Number 0 takes the next number after the highest) or
// an extra date of the Anbindungs-Sprechstunde (no number).
type ConsultationInput struct {
	Kind            string // "": KindOZG
	Number          int
	StartsAt        time.Time
	DurationMinutes int // 0: the rule's
	Topic           string
}

func checkTopic(topic string) error {
	if utf8.RuneCountInString(topic) > 300 {
		return i18n.FieldCoded("topic", i18n.CodeMaxLength, map[string]any{"max": 300})
	}
	return nil
}

// CreateConsultation adds a Sprechstunde outside the rule (or with a
// topic at a date of its own).
func (s *Store) CreateConsultation(ctx context.Context, in ConsultationInput) (*Consultation, error) {
	in.Topic = strings.TrimSpace(in.Topic)
	var errs tenant.FieldErrors
	if in.StartsAt.IsZero() {
		errs.Add("startsAt", "Bitte geben Sie Datum und Uhrzeit an.")
	}
	if in.DurationMinutes != 0 && (in.DurationMinutes < 10 || in.DurationMinutes > 480) {
		errs.Add("durationMinutes", "Bitte geben Sie eine Dauer von 10 bis 480 Minuten an.")
	}
	switch in.Kind {
	case "":
		in.Kind = KindOZG
	case KindOZG, KindAnbindung:
	default:
		errs.Add("kind", "Bitte wählen Sie OZG-Sprechstunde oder Anbindungs-Sprechstunde.")
	}
	switch {
	case in.Number < 0:
		errs.Add("number", "Die Nummer ist positiv.")
	case in.Kind == KindAnbindung && in.Number != 0:
		errs.Add("number", "Die Anbindungs-Sprechstunde hat keine Nummer; nur OZG-Sprechstunden werden gezählt.")
	}
	if err := checkTopic(in.Topic); err != nil {
		errs = append(errs, err.(tenant.FieldErrors)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var out *Consultation
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rule, err := s.rule(ctx, tx)
		if err != nil {
			return err
		}
		if in.DurationMinutes == 0 {
			in.DurationMinutes = rule.DurationMinutes
		}
		if in.Kind == KindOZG {
			if err := s.checkNumber(ctx, tx, &in.Number); err != nil {
				return err
			}
		}
		now := s.now()
		row := &consultationRow{ID: newID(), Kind: in.Kind, Number: in.Number, StartsAt: in.StartsAt.UTC().Truncate(time.Minute), DurationMinutes: in.DurationMinutes,
			Topic: in.Topic, Version: 1, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("insert Sprechstunde: %w", err)
		}
		c := row.model()
		out = &c
		return audit(ctx, tx, "", "create", ObjConsultation, row.ID, map[string]any{"kind": row.Kind, "number": row.Number,
			"startsAt": row.StartsAt.Format(time.RFC3339), "topic": row.Topic})
	})
	return out, err
}

// checkNumber gives an OZG-Sprechstunde without a number the next one
// after the highest and refuses a number another one already has.
func (s *Store) checkNumber(ctx context.Context, tx bun.IDB, number *int) error {
	if *number == 0 {
		if err := tx.NewSelect().Model((*consultationRow)(nil)).ColumnExpr("COALESCE(MAX(number), 0) + 1").
			Where("kind = ?", KindOZG).Scan(ctx, number); err != nil {
			return fmt.Errorf("next Sprechstunde number: %w", err)
		}
		return nil
	}
	n, err := tx.NewSelect().Model((*consultationRow)(nil)).Where("kind = ? AND number = ?", KindOZG, *number).Count(ctx)
	if err != nil {
		return fmt.Errorf("check Sprechstunde number: %w", err)
	}
	if n > 0 {
		return fault.Field("number", "Die %d. OZG-Sprechstunde gibt es bereits.", *number)
	}
	return nil
}

// ConsultationPatch changes a Sprechstunde; nil means unchanged.
type ConsultationPatch struct {
	StartsAt        *time.Time
	DurationMinutes *int
	Topic           *string
	Cancelled       *bool
}

// UpdateConsultation changes a Sprechstunde. A date that was edited no
// longer follows the rule. Cancelling one mails its attendees.
func (s *Store) UpdateConsultation(ctx context.Context, id string, version int, p ConsultationPatch) (*Consultation, error) {
	if p.Topic != nil {
		t := strings.TrimSpace(*p.Topic)
		if err := checkTopic(t); err != nil {
			return nil, err
		}
		p.Topic = &t
	}
	if p.DurationMinutes != nil && (*p.DurationMinutes < 10 || *p.DurationMinutes > 480) {
		return nil, fault.Field("durationMinutes", "Bitte geben Sie eine Dauer von 10 bis 480 Minuten an.")
	}
	var out *Consultation
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var row consultationRow
		if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
			return fault.NotFound(err, "Sprechstunde "+id)
		}
		if version != 0 && row.Version != version {
			return tenant.ErrStaleVersion
		}
		before := consultationSummary(&row)
		wasCancelled := row.Cancelled
		if p.StartsAt != nil && !p.StartsAt.IsZero() {
			row.StartsAt = p.StartsAt.UTC().Truncate(time.Minute)
			row.Generated = false
			row.RemindedAt = nil
		}
		if p.DurationMinutes != nil {
			row.DurationMinutes = *p.DurationMinutes
		}
		if p.Topic != nil {
			row.Topic = *p.Topic
		}
		if p.Cancelled != nil {
			row.Cancelled = *p.Cancelled
		}
		summary := diff(before, consultationSummary(&row))
		if len(summary["after"].(map[string]any)) == 0 {
			c := row.model()
			out = &c
			return nil
		}
		old := row.Version
		row.Version++
		row.UpdatedAt = s.now()
		res, err := tx.NewUpdate().Model(&row).WherePK().Where("version = ?", old).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update Sprechstunde %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return tenant.ErrStaleVersion
		}
		c := row.model()
		out = &c
		if err := audit(ctx, tx, "", "update", ObjConsultation, id, summary); err != nil {
			return err
		}
		if row.Cancelled && !wasCancelled && row.StartsAt.After(s.now()) {
			return s.mailAttendees(ctx, tx, &row, MailConsultationCancelled)
		}
		return nil
	})
	return out, err
}

func consultationSummary(r *consultationRow) map[string]any {
	return map[string]any{"number": r.Number, "startsAt": r.StartsAt.UTC().Format(time.RFC3339), "durationMinutes": r.DurationMinutes,
		"topic": r.Topic, "cancelled": r.Cancelled}
}

// PutRule changes the recurrence rule. Future dates the old rule made that
// carry no topic and no registration are replaced by the new rule's, up to
// a year ahead.
func (s *Store) PutRule(ctx context.Context, version int, r ConsultationRule) (*ConsultationRule, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	r.AnchorOn = s.dateOnly(r.AnchorOn)
	var out *ConsultationRule
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := s.rule(ctx, tx)
		if err != nil {
			return err
		}
		if version != 0 && old.Version != version {
			return tenant.ErrStaleVersion
		}
		now := s.now()
		row := &ruleRow{ID: 1, Title: r.Title, Weekday: int(r.Weekday), IntervalWeeks: r.IntervalWeeks, StartTime: r.StartTime,
			DurationMinutes: r.DurationMinutes, AnchorOn: r.AnchorOn, Location: r.Location, Version: old.Version + 1, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (id) DO UPDATE").
			Set("title = EXCLUDED.title, weekday = EXCLUDED.weekday, interval_weeks = EXCLUDED.interval_weeks").
			Set("start_time = EXCLUDED.start_time, duration_minutes = EXCLUDED.duration_minutes, anchor_on = EXCLUDED.anchor_on").
			Set("location = EXCLUDED.location, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return fmt.Errorf("store Sprechstunden rule: %w", err)
		}
		_, err = tx.NewDelete().Model((*consultationRow)(nil)).
			Where("kind = ? AND generated = ? AND cancelled = ? AND topic = '' AND starts_at > ?", KindAnbindung, true, false, now).
			Where("NOT EXISTS (SELECT 1 FROM onboarding_consultation_attendance AS a WHERE a.consultation_id = consultation_row.id)").Exec(ctx)
		if err != nil {
			return fmt.Errorf("remove generated Sprechstunden: %w", err)
		}
		if _, err := s.extendSeries(ctx, tx, now.AddDate(1, 0, 0)); err != nil {
			return err
		}
		nr, err := s.rule(ctx, tx)
		if err != nil {
			return err
		}
		out = &nr
		return audit(ctx, tx, "", "update", ObjConsultation, "rule", map[string]any{"before": old.Describe(), "after": nr.Describe(),
			"anchorOn": nr.AnchorOn.Format("2006-01-02")})
	})
	return out, err
}

// ExtendSeries adds the rule's dates after the last Sprechstunde up to
// until and returns how many it added; run again, it adds nothing.
func (s *Store) ExtendSeries(ctx context.Context, until time.Time) (int, error) {
	var n int
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = s.extendSeries(ctx, tx, until)
		return err
	})
	return n, err
}

func (s *Store) extendSeries(ctx context.Context, db bun.IDB, until time.Time) (int, error) {
	rule, err := s.rule(ctx, db)
	if err != nil {
		return 0, err
	}
	if err := s.dropPausedDates(ctx, db); err != nil {
		return 0, err
	}
	var last consultationRow
	after := s.now()
	err = db.NewSelect().Model(&last).Where("kind = ?", KindAnbindung).OrderExpr("starts_at DESC").Limit(1).Scan(ctx)
	switch {
	case err == nil:
		after = last.StartsAt.UTC()
	case !errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("last Anbindungs-Sprechstunde: %w", err)
	}
	now := s.now()
	var rows []consultationRow
	for t := rule.nextAfter(after, s.loc); !t.After(until); t = rule.nextAfter(t, s.loc) {
		if consultationPause(t.In(s.loc)) != "" {
			continue
		}
		rows = append(rows, consultationRow{ID: newID(), Kind: KindAnbindung, StartsAt: t, DurationMinutes: rule.DurationMinutes,
			Generated: true, Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	if len(rows) == 0 {
		return 0, nil
	}
	if _, err := db.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return 0, fmt.Errorf("insert Sprechstunden: %w", err)
	}
	return len(rows), nil
}

// dropPausedDates removes future dates the rule made on days without
// Sprechstunde (made before the rule knew the holidays) as long as nobody
// touched them: no topic, no registration, not cancelled.
func (s *Store) dropPausedDates(ctx context.Context, db bun.IDB) error {
	var rows []consultationRow
	err := db.NewSelect().Model(&rows).Column("id", "starts_at").
		Where("kind = ? AND generated = ? AND cancelled = ? AND topic = '' AND starts_at > ?", KindAnbindung, true, false, s.now()).
		Where("NOT EXISTS (SELECT 1 FROM onboarding_consultation_attendance AS a WHERE a.consultation_id = consultation_row.id)").Scan(ctx)
	if err != nil {
		return fmt.Errorf("load generated Sprechstunden: %w", err)
	}
	var drop []string
	for _, r := range rows {
		if consultationPause(r.StartsAt.In(s.loc)) != "" {
			drop = append(drop, r.ID)
		}
	}
	if len(drop) == 0 {
		return nil
	}
	if _, err := db.NewDelete().Model((*consultationRow)(nil)).Where("id IN (?)", bun.In(drop)).Exec(ctx); err != nil {
		return fmt.Errorf("remove Sprechstunden on holidays: %w", err)
	}
	return nil
}

// Register registers a tenant for a Sprechstunde (again: updates name and
// address). Past or cancelled ones cannot be registered for.
func (s *Store) Register(ctx context.Context, consultationID, tenantID, name, email string) (*Attendance, error) {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	var errs tenant.FieldErrors
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > tenant.MaxEmailLen {
		errs.Add("email", "Bitte geben Sie eine gültige E-Mail-Adresse für die Einladung und die Erinnerung an.")
	}
	if utf8.RuneCountInString(name) > 200 {
		errs.Append(i18n.Coded("name", i18n.CodeMaxLength, map[string]any{"max": 200}))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var out *Attendance
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var c consultationRow
		if err := tx.NewSelect().Model(&c).Where("id = ?", consultationID).Scan(ctx); err != nil {
			return fault.NotFound(err, "Sprechstunde "+consultationID)
		}
		switch {
		case c.Cancelled:
			return &RuleError{Reasons: []string{"Diese Sprechstunde ist abgesagt."}}
		case !c.StartsAt.After(s.now()):
			return &RuleError{Reasons: []string{"Diese Sprechstunde hat bereits stattgefunden."}}
		}
		now := s.now()
		row := &attendanceRow{ConsultationID: consultationID, TenantID: tenantID, Name: name, Email: email,
			RegisteredBy: tenant.ActorFrom(ctx).Label, RegisteredAt: now}
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (consultation_id, tenant_id) DO UPDATE").
			Set("name = EXCLUDED.name, email = EXCLUDED.email, registered_by = EXCLUDED.registered_by").Exec(ctx); err != nil {
			return fmt.Errorf("register for Sprechstunde: %w", err)
		}
		t, err := tenantByID(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		out = &Attendance{ConsultationID: consultationID, TenantID: tenantID, TenantName: t.Name, Name: name, Email: email,
			RegisteredBy: row.RegisteredBy, RegisteredAt: now}
		return audit(ctx, tx, tenantID, "create", ObjAttendance, consultationID, map[string]any{
			"kind": c.Kind, "number": c.Number, "startsAt": c.StartsAt.UTC().Format(time.RFC3339), "email": email})
	})
	return out, err
}

// Unregister withdraws a tenant's registration.
func (s *Store) Unregister(ctx context.Context, consultationID, tenantID string) error {
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*attendanceRow)(nil)).Where("consultation_id = ? AND tenant_id = ?", consultationID, tenantID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("unregister from Sprechstunde: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("registration for %s: %w", consultationID, tenant.ErrNotFound)
		}
		return audit(ctx, tx, tenantID, "delete", ObjAttendance, consultationID, nil)
	})
}

// nextConsultation returns the next Sprechstunde that is not cancelled,
// or nil.
func (s *Store) nextConsultation(ctx context.Context, db bun.IDB, now time.Time) (*Consultation, error) {
	var row consultationRow
	err := db.NewSelect().Model(&row).Where("starts_at > ? AND cancelled = ?", now, false).OrderExpr("starts_at").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("next Sprechstunde: %w", err)
	}
	c := row.model()
	return &c, nil
}

// mailAttendees sends one mail per attendee of a Sprechstunde.
func (s *Store) mailAttendees(ctx context.Context, db bun.IDB, c *consultationRow, template string) error {
	if s.mailer == nil {
		return nil
	}
	atts, err := s.attendance(ctx, db, []string{c.ID})
	if err != nil {
		return err
	}
	rule, err := s.rule(ctx, db)
	if err != nil {
		return err
	}
	m := c.model()
	for _, a := range atts {
		if err := s.mailer.Enqueue(ctx, db, tmail.Message{TenantID: a.TenantID, To: a.Email, Template: template,
			Data: ConsultationMail{Name: a.Name, TenantName: a.TenantName, Title: consultationTitle(m, rule), Location: rule.Location, Consultation: m,
				Link: s.opts.Links.Consultations.To()}}); err != nil {
			return err
		}
	}
	return nil
}

// consultationTitle is the Sprechstunde's name in mails and calendars:
// "63. OZG-Sprechstunde", or the rule's title for the Anbindungs-
// Sprechstunde.
func consultationTitle(c Consultation, rule ConsultationRule) string {
	if c.Kind == KindAnbindung && rule.Title != "" {
		return rule.Title
	}
	return c.Title
}
