package counselling

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// The citizens' search runs on every visit of /beratung and on the API,
// and at the Land's size (2,000 entries) asking the database each time
// cost 20–200 ms: without a radius every hit's places (an IN with 2,000
// IDs), the text filter decoded every entry's JSON, and 2,000 collation
// keys were made per search. The published entries change a few times a
// day. Each Store therefore keeps them decoded in memory – with their
// tags, places and collation keys – together with the change counters
// "counselling" (migration 0023: every write to counselling_centres,
// counselling_tags or counselling_places) and "tenants" (0022: the
// organisations' active flag). Before every search it reads both counters
// – one query on their primary key – and searches what it kept only while
// both stand; otherwise it loads the entries anew. The database bumps the
// counters by trigger in the writing transaction, through whichever
// instance or path it runs, so a change is searchable through every
// instance with the next search. Time-dependent parts (opening status,
// "possibly outdated") are computed per search, for the hits shown.

// indexedCentre is a published entry as the search keeps it.
type indexedCentre struct {
	id         string
	name       string // published_name: the sort order
	entry      Entry
	verifiedOn *time.Time
	createdAt  time.Time
	text       string              // lower-case name, Träger and description
	tags       map[string][]string // kind → values, as counselling_tags holds them
	places     []indexedPlace
	key        []byte // collation key of name
}

type indexedPlace struct {
	position int
	lat, lon float64
}

// hasTag reports whether the centre has one of the values of kind.
func (c *indexedCentre) hasTag(kind string, values ...string) bool {
	for _, v := range c.tags[kind] {
		if slices.Contains(values, v) {
			return true
		}
	}
	return false
}

// searchSnapshot is every published entry of an active organisation, read
// after the counters showed tenants and counselling.
type searchSnapshot struct {
	tenants, counselling int64
	centres              []indexedCentre
}

// searchIndex holds the snapshot of one Store.
type searchIndex struct {
	cur  atomic.Pointer[searchSnapshot]
	load sync.Mutex // one load at a time; searches meanwhile wait for it
}

// searchCounters reads the change counters the snapshot depends on.
func (s *Store) searchCounters(ctx context.Context) (tenants, counselling int64, err error) {
	var rows []struct {
		Name string `bun:"name"`
		N    int64  `bun:"n"`
	}
	if err := s.db.Read.NewSelect().Table("change_counters").Column("name", "n").
		Where("name IN ('tenants', 'counselling')").Scan(ctx, &rows); err != nil {
		return 0, 0, fmt.Errorf("read change counters of the counselling search: %w", err)
	}
	for _, r := range rows {
		switch r.Name {
		case "tenants":
			tenants = r.N
		case "counselling":
			counselling = r.N
		}
	}
	if tenants == 0 || counselling == 0 {
		return 0, 0, fmt.Errorf("read change counters of the counselling search: %d rows, migration 0023 missing?", len(rows))
	}
	return tenants, counselling, nil
}

// snapshot returns the published entries as of now: the kept ones while
// the counters stand, else freshly loaded ones.
func (s *Store) snapshot(ctx context.Context) (*searchSnapshot, error) {
	tc, cc, err := s.searchCounters(ctx)
	if err != nil {
		return nil, err
	}
	if snap := s.search.cur.Load(); snap != nil && snap.tenants == tc && snap.counselling == cc {
		return snap, nil
	}
	s.search.load.Lock()
	defer s.search.load.Unlock()
	// Another search may have loaded meanwhile: read the counters again,
	// so that what is kept is never older than what they show.
	if tc, cc, err = s.searchCounters(ctx); err != nil {
		return nil, err
	}
	if snap := s.search.cur.Load(); snap != nil && snap.tenants == tc && snap.counselling == cc {
		return snap, nil
	}
	snap, err := s.loadSnapshot(ctx, tc, cc)
	if err != nil {
		return nil, err
	}
	// A snapshot read under older counters than the kept one is not kept
	// (counters only grow); it still answers this search.
	if old := s.search.cur.Load(); old == nil || (old.tenants <= tc && old.counselling <= cc) {
		s.search.cur.Store(snap)
	}
	return snap, nil
}

// loadSnapshot reads the published entries with their tags and places.
// The counters were read before, so the rows are at least as new as they
// say; a change committed in between makes the counters differ at the
// next search, which then loads again.
func (s *Store) loadSnapshot(ctx context.Context, tc, cc int64) (*searchSnapshot, error) {
	var rows []publicRow
	if err := s.publicQuery(true).OrderExpr("c.id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load counselling entries for the search: %w", err)
	}
	var tags []struct {
		CentreID string `bun:"centre_id"`
		Kind     string `bun:"kind"`
		Value    string `bun:"value"`
	}
	if err := s.db.Read.NewSelect().Table("counselling_tags").Column("centre_id", "kind", "value").Scan(ctx, &tags); err != nil {
		return nil, fmt.Errorf("load counselling tags for the search: %w", err)
	}
	var places []struct {
		CentreID string  `bun:"centre_id"`
		Position int     `bun:"position"`
		Lat      float64 `bun:"lat"`
		Lon      float64 `bun:"lon"`
	}
	if err := s.db.Read.NewSelect().Table("counselling_places").Column("centre_id", "position", "lat", "lon").
		Scan(ctx, &places); err != nil {
		return nil, fmt.Errorf("load counselling places for the search: %w", err)
	}
	snap := &searchSnapshot{tenants: tc, counselling: cc, centres: make([]indexedCentre, 0, len(rows))}
	at := make(map[string]int, len(rows))
	col := collate.New(language.German, collate.IgnoreCase)
	var buf collate.Buffer
	for _, r := range rows {
		e, err := decodeEntry(r.PublishedData)
		if err != nil {
			return nil, fmt.Errorf("counselling centre %s: %w", r.ID, err)
		}
		at[r.ID] = len(snap.centres)
		snap.centres = append(snap.centres, indexedCentre{id: r.ID, name: r.Name, entry: e, verifiedOn: r.VerifiedOn, createdAt: r.CreatedAt,
			text: strings.ToLower(e.Name + "\n" + e.Provider + "\n" + e.Description), tags: map[string][]string{},
			key: append([]byte(nil), col.KeyFromString(&buf, r.Name)...)})
		buf.Reset()
	}
	for _, t := range tags {
		if i, ok := at[t.CentreID]; ok {
			c := &snap.centres[i]
			c.tags[t.Kind] = append(c.tags[t.Kind], t.Value)
		}
	}
	for _, p := range places {
		if i, ok := at[p.CentreID]; ok {
			c := &snap.centres[i]
			c.places = append(c.places, indexedPlace{position: p.Position, lat: p.Lat, lon: p.Lon})
		}
	}
	return snap, nil
}

// public returns the centre as a published entry, with its own copies of
// the entry's lists (the kept one is shared by every search).
func (c *indexedCentre) public(s *Store) Public {
	e := c.entry
	e.Topics = slices.Clone(e.Topics)
	e.Addresses = slices.Clone(e.Addresses)
	e.ServiceArea = slices.Clone(e.ServiceArea)
	e.OpeningHours = slices.Clone(e.OpeningHours)
	e.EmergencyHours = slices.Clone(e.EmergencyHours)
	e.Languages = slices.Clone(e.Languages)
	e.Accessibility = slices.Clone(e.Accessibility)
	e.Ways = slices.Clone(e.Ways)
	if e.WaitingDays != nil {
		w := *e.WaitingDays
		e.WaitingDays = &w
	}
	var verified *time.Time
	if c.verifiedOn != nil {
		v := *c.verifiedOn
		verified = &v
	}
	outdated, _ := s.staleness(c.verifiedOn, c.createdAt)
	return Public{Entry: e, ID: c.id, VerifiedOn: verified, PossiblyOutdated: outdated}
}
