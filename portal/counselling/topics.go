package counselling

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
)

// TopicDebt is the key of Schuldner- und Insolvenzberatung, the topic a
// recognition under § 305 InsO needs.
const TopicDebt = "schuldnerberatung"

// Topic is one entry of the taxonomy the ministry maintains.
type Topic struct {
	bun.BaseModel `bun:"table:counselling_topics"`

	Key       string    `bun:"key,pk" json:"key"`
	Label     string    `bun:"label" json:"label"`
	Position  int       `bun:"position" json:"position"`
	Active    bool      `bun:"active" json:"active"`
	CreatedAt time.Time `bun:"created_at" json:"createdAt"`
	UpdatedAt time.Time `bun:"updated_at" json:"updatedAt"`
}

// defaultTopics are the taxonomy, created at start when missing.
var defaultTopics = []Term{
	{TopicDebt, "Schuldner- und Insolvenzberatung"},
	{"suchtberatung", "Suchtberatung"},
	{"sozialberatung", "Allgemeine Sozialberatung"},
	{"migrationsberatung", "Migrationsberatung"},
	{"wohnungsnotfallhilfe", "Wohnungsnotfallhilfe"},
	{"schwangerschaftsberatung", "Schwangerschaftsberatung"},
	{"familienberatung", "Familien- und Erziehungsberatung"},
	{"seniorenberatung", "Seniorenberatung"},
	{"behindertenberatung", "Beratung für Menschen mit Behinderungen (EUTB)"},
	{"opferberatung", "Opferberatung und Gewaltschutz"},
}

var topicKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,39}$`)

// EnsureTopics creates the default topics that are missing; the ministry's
// changes to existing ones stay.
func (s *Store) EnsureTopics(ctx context.Context) error {
	now := s.now()
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i, t := range defaultTopics {
			row := &Topic{Key: t.Key, Label: t.Label, Position: (i + 1) * 10, Active: true, CreatedAt: now, UpdatedAt: now}
			if _, err := tx.NewInsert().Model(row).On("CONFLICT (key) DO NOTHING").Exec(ctx); err != nil {
				return fmt.Errorf("default topic %s: %w", t.Key, err)
			}
		}
		_, err := tx.NewInsert().Model(&settingsRow{ID: 1, UpdatedAt: now}).On("CONFLICT (id) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("counselling settings: %w", err)
		}
		return nil
	})
}

// Topics returns the taxonomy ordered by position; inactive topics only
// when all is true.
func (s *Store) Topics(ctx context.Context, all bool) ([]Topic, error) {
	return s.topics(ctx, s.db.Read, all)
}

func (s *Store) topics(ctx context.Context, db bun.IDB, all bool) ([]Topic, error) {
	out := []Topic{}
	q := db.NewSelect().Model(&out).OrderExpr("position, label")
	if !all {
		q = q.Where("active = ?", true)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("counselling topics: %w", err)
	}
	return out, nil
}

// activeTopicKeys lists the keys an entry may use.
func (s *Store) activeTopicKeys(ctx context.Context, db bun.IDB) ([]string, error) {
	ts, err := s.topics(ctx, db, false)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(ts))
	for i, t := range ts {
		keys[i] = t.Key
	}
	return keys, nil
}

// TopicInput creates or changes a topic.
type TopicInput struct {
	Key      string `json:"key" doc:"Schlüssel aus Kleinbuchstaben, Ziffern und Bindestrichen; nach dem Anlegen unveränderlich"`
	Label    string `json:"label" maxLength:"100"`
	Position int    `json:"position" minimum:"0" maximum:"10000"`
	Active   bool   `json:"active"`
}

func (in *TopicInput) validate() error {
	var errs tenant.FieldErrors
	in.Key = strings.TrimSpace(in.Key)
	in.Label = strings.TrimSpace(in.Label)
	if !topicKeyPattern.MatchString(in.Key) {
		errs.Add("key", "Der Schlüssel besteht aus 2 bis 40 Kleinbuchstaben, Ziffern und Bindestrichen und beginnt mit einem Buchstaben.")
	}
	switch n := utf8.RuneCountInString(in.Label); {
	case n == 0:
		errs.Add("label", "Bitte geben Sie eine Bezeichnung an.")
	case n > 100:
		errs.Append(i18n.Coded("label", i18n.CodeMaxLength, map[string]any{"max": 100}))
	}
	return errs.Err()
}

// SaveTopic creates a topic or changes the label, position and activity of
// an existing one (the ministry extends the taxonomy this way). A topic in
// use can be deactivated: entries keep it, new changes cannot add it.
func (s *Store) SaveTopic(ctx context.Context, in TopicInput) (*Topic, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Topic
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.now()
		var cur Topic
		err := tx.NewSelect().Model(&cur).Where("key = ?", in.Key).Scan(ctx)
		action := "update"
		if err != nil {
			if !fault.IsNoRows(err) {
				return fmt.Errorf("topic %s: %w", in.Key, err)
			}
			action = "create"
			cur = Topic{Key: in.Key, CreatedAt: now}
		}
		before := map[string]any{"label": cur.Label, "position": cur.Position, "active": cur.Active}
		cur.Label, cur.Position, cur.Active, cur.UpdatedAt = in.Label, in.Position, in.Active, now
		if action == "create" {
			_, err = tx.NewInsert().Model(&cur).Exec(ctx)
		} else {
			_, err = tx.NewUpdate().Model(&cur).WherePK().Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("save topic %s: %w", in.Key, err)
		}
		out = &cur
		return tenant.WriteAudit(ctx, tx, tenant.Audit{Action: action, ObjectType: ObjTopic, ObjectID: in.Key,
			Summary: map[string]any{"before": before, "after": map[string]any{"label": cur.Label, "position": cur.Position, "active": cur.Active}}})
	})
	return out, err
}
