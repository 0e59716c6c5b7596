package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// OrderInfo is what the order confirmation of the marketplace tells a
// municipality about the onboarding that follows: who accompanies it and
// when the Anbindungs-Sprechstunde takes place. It comes from the data the
// ministry maintains (support contacts, the Sprechstunden rule and its
// dates), so that the mail never repeats a second, hard-coded copy.
type OrderInfo struct {
	Contacts []SupportContact
	// ConsultationTitle is the rule's title, "Sprechstunde „Anbindung zur
	// Sozialplattform“".
	ConsultationTitle string
	// ConsultationWhen says the rule in words: "jeden zweiten Mittwoch um
	// 14 Uhr, 30 Minuten".
	ConsultationWhen string
	// ConsultationWhere is the rule's location.
	ConsultationWhere string
	// NextConsultations are the next dates of the series, German, e.g.
	// "Mittwoch, 14.01.2026, 14:00 Uhr" (cancelled ones left out).
	NextConsultations []string
}

// When says the rule in running text: "jeden zweiten Mittwoch um 14 Uhr,
// 30 Minuten" (a full hour without ":00").
func (r ConsultationRule) When() string {
	every := map[int]string{1: "jeden", 2: "jeden zweiten", 3: "jeden dritten", 4: "jeden vierten"}[r.IntervalWeeks]
	if every == "" {
		every = fmt.Sprintf("alle %d Wochen am", r.IntervalWeeks)
	}
	at := strings.TrimSuffix(r.StartTime, ":00")
	at = strings.TrimPrefix(at, "0")
	return fmt.Sprintf("%s %s um %s Uhr, %d Minuten", every, germanWeekday(r.Weekday), at, r.DurationMinutes)
}

// OrderInfo returns the onboarding facts for an order confirmation, read
// through db (the marketplace's order transaction): the support contacts
// of the first phase, the Sprechstunden rule and the next n dates of the
// Anbindungs-Sprechstunde.
func (s *Store) OrderInfo(ctx context.Context, db bun.IDB, n int) (OrderInfo, error) {
	contacts, err := s.OnboardingContacts(ctx, db)
	if err != nil {
		return OrderInfo{}, err
	}
	rule, err := s.rule(ctx, db)
	if err != nil {
		return OrderInfo{}, err
	}
	info := OrderInfo{Contacts: contacts, ConsultationTitle: rule.Title, ConsultationWhen: rule.When(), ConsultationWhere: rule.Location}
	var rows []consultationRow
	if err := db.NewSelect().Model(&rows).Where("kind = ? AND cancelled = ? AND starts_at > ?", KindAnbindung, false, s.now()).
		OrderExpr("starts_at").Limit(int64(n)).Scan(ctx); err != nil {
		return OrderInfo{}, fmt.Errorf("next Anbindungs-Sprechstunden: %w", err)
	}
	for _, r := range rows {
		info.NextConsultations = append(info.NextConsultations, s.germanDateTime(r.StartsAt))
	}
	return info, nil
}

// germanDateTime writes t as "Mittwoch, 14.01.2026, 14:00 Uhr" in
// Germany's time zone.
func (s *Store) germanDateTime(t time.Time) string {
	l := t.In(s.loc)
	return germanWeekday(l.Weekday()) + ", " + l.Format("02.01.2006, 15:04") + " Uhr"
}
