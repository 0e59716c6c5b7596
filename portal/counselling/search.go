package counselling

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/keyset"
)

// Public is a published entry as the portal and the public API show it.
type Public struct {
	Entry
	ID         string     `json:"id"`
	VerifiedOn *time.Time `json:"verifiedOn,omitempty" doc:"Tag, an dem die Angaben zuletzt bestätigt wurden"`
	// PossiblyOutdated: not verified for longer than a year (the store's
	// OutdatedAfter); the portal says so.
	PossiblyOutdated bool `json:"possiblyOutdated"`
	// Status is the opening status now, Emergency that of the emergency
	// hours.
	Status    Status `json:"openingStatus"`
	Emergency Status `json:"emergencyStatus"`
	// Calendars are the centre's calendars for online appointments; the
	// API fills them on the single entry, the search leaves them out.
	Calendars []CalendarRef `json:"calendars,omitempty" doc:"Terminkalender mit Online-Buchung (GET /v1/appointment-calendars/{id}/slots)"`
}

// CalendarRef names an appointment calendar of a centre.
type CalendarRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	SlotMinutes int    `json:"slotMinutes"`
}

// Point is where a citizen searches from.
type Point struct {
	Lat, Lon float64
}

// Query is a search of the published entries. Empty fields do not filter.
type Query struct {
	Topic         string
	Language      string
	Way           string
	Accessibility []string // every one must be offered
	Insolvency305 bool     // only recognised insolvency counselling
	Area          string   // an official key the centre serves (its service area holds it or a key above it)
	Text          string   // part of the name, Träger or description
	Near          *Point   // sort by distance from here
	RadiusKm      float64  // with Near: only centres within this distance
	Limit, Offset int      // paging (default 20, at most 100)
	// Page, when set, pages by position instead of Limit and Offset (the
	// API): up to Page.Size() hits after Page.After, plus one when another
	// page follows.
	Page *keyset.Page[SearchKey]
}

// Result is one hit: the entry and, when searched from a point, the
// distance to its nearest address.
type Result struct {
	Public
	DistanceKm *float64 `json:"distanceKm,omitempty"`
	// Nearest is the index of the nearest address.
	Nearest int `json:"nearestAddress"`
}

// Results is a page of hits and their total number.
type Results struct {
	Total int      `json:"total"`
	Items []Result `json:"items"`
}

// MaxRadiusKm caps a search radius.
const MaxRadiusKm = 500

// DistanceKm is the great-circle distance (haversine) in kilometres.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthRadiusKm = 6371.0
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(lat2-lat1), rad(lon2-lon1)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(lat1))*math.Cos(rad(lat2))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// publicRow is what a search reads of a centre; the entry itself
// (PublishedData) only for the hits shown.
type publicRow struct {
	ID            string     `bun:"id"`
	Name          string     `bun:"published_name"`
	PublishedData string     `bun:"published_data"`
	VerifiedOn    *time.Time `bun:"verified_on"`
	CreatedAt     time.Time  `bun:"created_at"`
}

// publicQuery selects the published entries of active organisations;
// withData adds the entries themselves.
func (s *Store) publicQuery(withData bool) *bun.SelectQuery {
	q := s.db.Read.NewSelect().TableExpr("counselling_centres AS c").
		ColumnExpr("c.id, c.published_name, c.verified_on, c.created_at").
		Join("JOIN tenants AS t ON t.id = c.id").
		Where("t.active = ?", true).
		Where("c.published_version IS NOT NULL")
	if withData {
		q = q.ColumnExpr("c.published_data")
	}
	return q
}

// public decodes a published entry; its opening status is set by
// withStatus, only for the entries shown.
func (s *Store) public(r publicRow) (Public, error) {
	e, err := decodeEntry(r.PublishedData)
	if err != nil {
		return Public{}, err
	}
	outdated, _ := s.staleness(r.VerifiedOn, r.CreatedAt)
	return Public{Entry: e, ID: r.ID, VerifiedOn: r.VerifiedOn, PossiblyOutdated: outdated}, nil
}

func (s *Store) withStatus(p *Public, now time.Time) {
	p.Status = OpeningStatus(p.OpeningHours, now, s.loc)
	p.Emergency = OpeningStatus(p.EmergencyHours, now, s.loc)
}

// GetPublic returns the published entry of a centre; a centre that is not
// published or whose organisation is inactive is tenant.ErrNotFound.
func (s *Store) GetPublic(ctx context.Context, id string) (*Public, error) {
	var r publicRow
	if err := s.publicQuery(true).Where("c.id = ?", id).Scan(ctx, &r); err != nil {
		return nil, fault.NotFound(err, "counselling centre "+id)
	}
	p, err := s.public(r)
	if err != nil {
		return nil, err
	}
	s.withStatus(&p, s.opts.Now())
	return &p, nil
}

// Search finds published entries. With Near, hits are sorted by the
// distance of their nearest address (then by name); without, by name. It
// searches the entries kept in memory (searchindex.go), which are as new
// as the database's change counters say.
func (s *Store) Search(ctx context.Context, q Query) (Results, error) {
	var errs tenant.FieldErrors
	if q.Near != nil && (math.IsNaN(q.Near.Lat) || q.Near.Lat < -90 || q.Near.Lat > 90 || math.IsNaN(q.Near.Lon) || q.Near.Lon < -180 || q.Near.Lon > 180) {
		errs.Add("near", "Ungültige Koordinaten.")
	}
	if q.RadiusKm < 0 || q.RadiusKm > MaxRadiusKm || math.IsNaN(q.RadiusKm) {
		errs.Add("radiusKm", "Der Umkreis liegt zwischen 0 und %d km.", MaxRadiusKm)
	}
	if q.RadiusKm > 0 && q.Near == nil {
		errs.Add("radiusKm", "Ein Umkreis braucht einen Ort (near).")
	}
	if q.Area != "" {
		k, err := tenant.ParseOfficialKey(q.Area)
		if err != nil {
			errs.Add("area", "%s.", sentence(err.Error()))
		}
		q.Area = k
	}
	if err := errs.Err(); err != nil {
		return Results{}, err
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Page == nil {
		q.Limit = min(q.Limit, 100)
	}
	q.Offset = max(q.Offset, 0)

	snap, err := s.snapshot(ctx)
	if err != nil {
		return Results{}, fmt.Errorf("search counselling centres: %w", err)
	}
	text := strings.ToLower(strings.TrimSpace(q.Text))
	var areaKeys []string
	if q.Area != "" {
		// The service area holds the key itself or one above it (the
		// Kreis of a Gemeinde, the Land).
		for _, n := range []int{2, 5, 8, 12} {
			if len(q.Area) >= n {
				areaKeys = append(areaKeys, q.Area[:n])
			}
		}
	}
	lang := strings.ToLower(q.Language)
	type hit struct {
		c       *indexedCentre
		dist    *float64
		nearest int
	}
	hits := make([]hit, 0, len(snap.centres))
	for i := range snap.centres {
		c := &snap.centres[i]
		switch {
		case q.Topic != "" && !c.hasTag(tagTopic, q.Topic),
			q.Language != "" && !c.hasTag(tagLanguage, lang),
			q.Way != "" && !c.hasTag(tagWay, q.Way),
			q.Insolvency305 && !c.hasTag(tagInsolvency, "yes"),
			areaKeys != nil && !c.hasTag(tagArea, areaKeys...),
			text != "" && !strings.Contains(c.text, text):
			continue
		}
		if slices.ContainsFunc(q.Accessibility, func(a string) bool { return !c.hasTag(tagAccess, a) }) {
			continue
		}
		h := hit{c: c}
		if q.Near != nil {
			// The distance of the nearest address; a radius drops those
			// farther away, and without addresses there is no distance.
			best := math.Inf(1)
			for _, pl := range c.places {
				if d := DistanceKm(q.Near.Lat, q.Near.Lon, pl.lat, pl.lon); d < best {
					best, h.nearest = d, pl.position
				}
			}
			if math.IsInf(best, 1) || (q.RadiusKm > 0 && best > q.RadiusKm) {
				continue
			}
			d := math.Round(best*10) / 10
			h.dist = &d
		}
		hits = append(hits, h)
	}

	// German order of names ("Ärzte" with "A"), by the collation keys kept
	// with the entries.
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.dist != nil && b.dist != nil && *a.dist != *b.dist {
			if *a.dist < *b.dist {
				return -1
			}
			return 1
		}
		if c := bytes.Compare(a.c.key, b.c.key); c != 0 {
			return c
		}
		return strings.Compare(a.c.id, b.c.id)
	})
	out := Results{Total: len(hits), Items: []Result{}}
	var page []hit
	if q.Page != nil {
		var after func(hit) bool
		if a := q.Page.After; a != nil {
			var buf collate.Buffer
			key := collate.New(language.German, collate.IgnoreCase).KeyFromString(&buf, a.Name)
			after = func(h hit) bool {
				return a.compare(h.dist, h.c.key, h.c.id, key) > 0
			}
		}
		page = keyset.Seek(hits, after, q.Page.Size())
	} else {
		if q.Offset >= len(hits) {
			return out, nil
		}
		page = hits[q.Offset:min(len(hits), q.Offset+q.Limit)]
	}
	now := s.opts.Now()
	for _, h := range page {
		p := h.c.public(s)
		s.withStatus(&p, now)
		out.Items = append(out.Items, Result{Public: p, DistanceKm: h.dist, Nearest: h.nearest})
	}
	return out, nil
}
