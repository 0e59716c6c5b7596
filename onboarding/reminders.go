package onboarding

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
)

// ReminderOptions tune the reminder jobs.
type ReminderOptions struct {
	// StaleAfter is how long a case may go without progress before the
	// municipality is reminded (default 21 days); it is reminded again
	// after the same time.
	StaleAfter time.Duration
}

// Jobs returns the scheduled jobs of onboarding for the job registry. Each
// takes the registry's database lease, so with several instances it runs
// once per schedule.
func (s *Store) Jobs(opts ReminderOptions) []jobs.Job {
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = 21 * 24 * time.Hour
	}
	system := func(name string, run func(ctx context.Context) (int, error)) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			ctx = tenant.WithActor(ctx, tenant.Actor{ID: "system", Label: "Aufgabe " + name})
			_, err := run(ctx)
			return err
		}
	}
	return []jobs.Job{
		{Name: "anbindung-stillstand", Schedule: "30 7 * * *",
			Description: fmt.Sprintf("Kommunen erinnern, deren Anbindung seit %d Tagen ruht", int(opts.StaleAfter.Hours()/24)),
			Run:         system("anbindung-stillstand", func(ctx context.Context) (int, error) { return s.RemindStale(ctx, opts.StaleAfter) })},
		{Name: "anbindung-zertifikate", Schedule: "0 7 * * *",
			Description: fmt.Sprintf("Kommunen erinnern, deren Zertifikat des Zustellpunkts in %d Tagen abläuft", KeyWarnDays),
			Run:         system("anbindung-zertifikate", s.RemindExpiringKeys)},
		{Name: "anbindung-wochenbericht", Schedule: "0 7 * * 1",
			Description: "Wochenbericht zum Umsetzungsstand an das Ministerium senden",
			Run:         system("anbindung-wochenbericht", s.SendDigest)},
		{Name: "sprechstunden-erinnerung", Schedule: "0 10 * * *",
			Description: "Angemeldete Kommunen am Vortag an die Sprechstunde erinnern",
			Run:         system("sprechstunden-erinnerung", s.RemindConsultations)},
		{Name: "sprechstunden-fortschreiben", Schedule: "15 3 * * 1",
			Description: "Termine der Sprechstunde nach der Regel für ein Jahr im Voraus anlegen",
			Run: system("sprechstunden-fortschreiben", func(ctx context.Context) (int, error) {
				return s.ExtendSeries(ctx, s.now().AddDate(1, 0, 0))
			})},
	}
}

// staleCase is a case with its tenant for the reminders.
type staleCase struct {
	caseRow
	TenantName      string `bun:"tenant_name"`
	FunctionMailbox string `bun:"function_mailbox"`
}

// RemindStale mails every municipality whose cases (not live) saw no
// progress for the given time, once per such period, and returns the
// number of mails.
func (s *Store) RemindStale(ctx context.Context, after time.Duration) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now()
	limit := now.Add(-after)
	sent := 0
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []staleCase
		err := tx.NewSelect().TableExpr("onboarding_cases AS c").ColumnExpr("c.*, t.name AS tenant_name, t.function_mailbox").
			Join("JOIN tenants AS t ON t.id = c.tenant_id").
			Join("JOIN onboarding_antragsstrecken AS a ON a.key = c.antragsstrecke").
			Where("t.active = ?", true).
			Where("c.production_status <> ? AND c.last_progress_at < ?", string(Completed), limit).
			Where("(c.stale_reminded_at IS NULL OR c.stale_reminded_at < ?)", limit).
			OrderExpr("c.tenant_id, a.position").Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("stale onboarding cases: %w", err)
		}
		idx, err := s.streamIndex(ctx)
		if err != nil {
			return err
		}
		var ids []string
		for start := 0; start < len(rows); {
			end := start
			for end < len(rows) && rows[end].TenantID == rows[start].TenantID {
				end++
			}
			group := rows[start:end]
			start = end
			if group[0].FunctionMailbox == "" {
				continue
			}
			m := StaleCasesMail{TenantName: group[0].TenantName, Days: int(after.Hours() / 24), Link: s.opts.Links.Cases.To(group[0].TenantID)}
			for i := range group {
				c, err := s.caseModel(&group[i].caseRow)
				if err != nil {
					return err
				}
				items, err := s.caseItems(ctx, tx, c)
				if err != nil {
					return err
				}
				var fv *Fachverfahren
				if c.FachverfahrenID != "" {
					if fv, err = s.getFachverfahren(ctx, tx, c.FachverfahrenID); err != nil && !errors.Is(err, tenant.ErrNotFound) {
						return err
					}
				}
				next := "Bitte prüfen Sie den Stand in der Konsole."
				for _, st := range NextSteps(c, items, fv, now) {
					if st.Kind == "todo" {
						next = st.Title
						break
					}
				}
				m.Cases = append(m.Cases, CaseLine{Label: idx[c.Antragsstrecke].Label, Stage: c.Stage.Label(), LastProgressAt: c.LastProgressAt, NextStep: next})
				ids = append(ids, c.ID)
			}
			if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: group[0].TenantID, To: group[0].FunctionMailbox, Template: MailStaleCases, Data: m}); err != nil {
				return err
			}
			sent++
		}
		if len(ids) == 0 {
			return nil
		}
		_, err = tx.NewUpdate().Model((*caseRow)(nil)).Set("stale_reminded_at = ?", now).Where("id IN (?)", bun.In(ids)).Exec(ctx)
		if err != nil {
			return fmt.Errorf("mark stale reminders: %w", err)
		}
		return nil
	})
	return sent, err
}

// RemindExpiringKeys mails every municipality whose destination
// certificate expires within KeyWarnDays, once per certificate.
func (s *Store) RemindExpiringKeys(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now()
	sent := 0
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []staleCase
		err := tx.NewSelect().TableExpr("onboarding_cases AS c").ColumnExpr("c.*, t.name AS tenant_name, t.function_mailbox").
			Join("JOIN tenants AS t ON t.id = c.tenant_id").
			Where("t.active = ? AND c.variant = ?", true, int(VariantFITConnect)).
			Where("c.key_expires_at IS NOT NULL AND c.key_expires_at < ? AND c.key_reminded_at IS NULL", now.Add(KeyWarnDays*24*time.Hour)).
			OrderExpr("c.tenant_id, c.key_expires_at").Scan(ctx, &rows)
		if err != nil {
			return fmt.Errorf("expiring certificates: %w", err)
		}
		idx, err := s.streamIndex(ctx)
		if err != nil {
			return err
		}
		var ids []string
		for start := 0; start < len(rows); {
			end := start
			for end < len(rows) && rows[end].TenantID == rows[start].TenantID {
				end++
			}
			group := rows[start:end]
			start = end
			if group[0].FunctionMailbox == "" {
				continue
			}
			m := KeyExpiringMail{TenantName: group[0].TenantName, Link: s.opts.Links.Cases.To(group[0].TenantID)}
			for _, r := range group {
				m.Cases = append(m.Cases, CaseLine{Label: idx[r.Antragsstrecke].Label, KeyNotAfter: r.KeyExpiresAt.UTC()})
				ids = append(ids, r.ID)
			}
			if err := s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: group[0].TenantID, To: group[0].FunctionMailbox, Template: MailKeyExpiring, Data: m}); err != nil {
				return err
			}
			sent++
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.NewUpdate().Model((*caseRow)(nil)).Set("key_reminded_at = ?", now).Where("id IN (?)", bun.In(ids)).Exec(ctx); err != nil {
			return fmt.Errorf("mark certificate reminders: %w", err)
		}
		return nil
	})
	return sent, err
}

// SendDigest mails the weekly report to the function mailbox of every Land
// (the ministry), covering the tenants below it.
func (s *Store) SendDigest(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.now()
	since := now.AddDate(0, 0, -7)
	var lands []tenantInfo
	if err := s.db.Read.NewSelect().Table("tenants").Column("id", "name", "function_mailbox").
		Where("kind = ? AND parent_id IS NULL AND active = ?", "land", true).Scan(ctx, &lands); err != nil {
		return 0, fmt.Errorf("digest recipients: %w", err)
	}
	var nodes []tenantNode
	if err := s.db.Read.NewSelect().Table("tenants").Column("id", "parent_id", "kind", "name", "official_key").Scan(ctx, &nodes); err != nil {
		return 0, fmt.Errorf("digest tenants: %w", err)
	}
	children := map[string][]string{}
	names := map[string]string{}
	for _, n := range nodes {
		names[n.ID] = n.Name
		if n.ParentID != nil {
			children[*n.ParentID] = append(children[*n.ParentID], n.ID)
		}
	}
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, land := range lands {
		if land.FunctionMailbox == "" {
			continue
		}
		var ids []string
		var walk func(string)
		walk = func(id string) {
			ids = append(ids, id)
			for _, c := range children[id] {
				walk(c)
			}
		}
		walk(land.ID)
		r, err := s.RolloutReport(ctx, RolloutFilter{TenantIDs: ids})
		if err != nil {
			return sent, err
		}
		cases, err := s.RolloutCases(ctx, RolloutFilter{TenantIDs: ids})
		if err != nil {
			return sent, err
		}
		m := DigestMail{Since: since, Until: now, Ordered: r.Totals.Ordered, InTests: r.Totals.InTests, Live: r.Totals.Live,
			Tenants: r.Tenants, Link: s.opts.Links.Rollout.To()}
		for _, c := range cases {
			line := DigestLine{TenantName: names[c.TenantID], Label: idx[c.Antragsstrecke].Label}
			switch {
			case c.OrderedAt.After(since):
				line.At = c.OrderedAt
				m.NewCases = append(m.NewCases, line)
			}
			if c.LiveAt != nil && c.LiveAt.After(since) {
				line.At = *c.LiveAt
				m.GoLives = append(m.GoLives, line)
			}
			if c.Stage != StageLive && c.LastProgressAt.Before(now.AddDate(0, 0, -30)) {
				line.At = c.LastProgressAt
				m.Stale = append(m.Stale, line)
			}
		}
		if err := s.digestFailing(ctx, ids, cases, &m); err != nil {
			return sent, err
		}
		slices.SortFunc(m.Stale, func(a, b DigestLine) int { return a.At.Compare(b.At) })
		if len(m.Stale) > 20 {
			m.Stale = m.Stale[:20]
		}
		if m.Consultation, err = s.nextConsultation(ctx, s.db.Read, now); err != nil {
			return sent, err
		}
		if m.Consultation != nil {
			atts, err := s.attendance(ctx, s.db.Read, []string{m.Consultation.ID})
			if err != nil {
				return sent, err
			}
			m.Consultation.AttendeeCount = len(atts)
		}
		if err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return s.mailer.Enqueue(ctx, tx, mail.Message{TenantID: land.ID, To: land.FunctionMailbox, Template: MailDigest, Data: m})
		}); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// digestFailing names in the digest the live cases whose deliveries
// failed in the week (the Umsetzungsstand's count), per municipality in
// the order of cases, each with the link to its failed deliveries.
func (s *Store) digestFailing(ctx context.Context, tenantIDs []string, cases []RolloutCase, m *DigestMail) error {
	if s.opts.FailingDeliveries == nil {
		return nil
	}
	failed, err := s.opts.FailingDeliveries(ctx, tenantIDs)
	if err != nil {
		return fmt.Errorf("digest: failing deliveries: %w", err)
	}
	m.FailingKnown = true
	at := map[string]int{} // tenant → index in m.Failing
	for _, c := range cases {
		n := failed[c.CaseID]
		if n == 0 {
			continue
		}
		i, ok := at[c.TenantID]
		if !ok {
			i = len(m.Failing)
			at[c.TenantID] = i
			m.Failing = append(m.Failing, DigestFailing{TenantName: c.TenantName, Link: s.opts.Links.FailedDeliveries.To(c.TenantID)})
		}
		m.Failing[i].Cases = append(m.Failing[i].Cases, DigestFailingCase{Label: c.Label, Failed: n})
		m.FailingCases++
	}
	return nil
}

// RemindConsultations mails the attendees of tomorrow's Sprechstunden
// (German calendar day), once per Sprechstunde.
func (s *Store) RemindConsultations(ctx context.Context) (int, error) {
	now := s.now()
	local := now.In(s.loc)
	from := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, s.loc)
	to := from.AddDate(0, 0, 1)
	sent := 0
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []consultationRow
		if err := tx.NewSelect().Model(&rows).Where("starts_at >= ? AND starts_at < ? AND cancelled = ? AND reminded_at IS NULL",
			from.UTC(), to.UTC(), false).Scan(ctx); err != nil {
			return fmt.Errorf("tomorrow's Sprechstunden: %w", err)
		}
		for i := range rows {
			atts, err := s.attendance(ctx, tx, []string{rows[i].ID})
			if err != nil {
				return err
			}
			if err := s.mailAttendees(ctx, tx, &rows[i], MailConsultationReminder); err != nil {
				return err
			}
			sent += len(atts)
			if _, err := tx.NewUpdate().Model((*consultationRow)(nil)).Set("reminded_at = ?", now).Where("id = ?", rows[i].ID).Exec(ctx); err != nil {
				return fmt.Errorf("mark Sprechstunde reminded: %w", err)
			}
		}
		return nil
	})
	return sent, err
}
