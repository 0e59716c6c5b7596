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
// distance of their nearest address (then by name); without, by name. The
// filters run in the database on the index; the distance in Go, after a
// bounding box when a radius is given.
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

	text := strings.ToLower(strings.TrimSpace(q.Text))
	sel := s.publicQuery(text != "")
	tag := func(kind, value string) {
		sel = sel.Where("EXISTS (SELECT 1 FROM counselling_tags AS g WHERE g.centre_id = c.id AND g.kind = ? AND g.value = ?)", kind, value)
	}
	if q.Topic != "" {
		tag(tagTopic, q.Topic)
	}
	if q.Language != "" {
		tag(tagLanguage, strings.ToLower(q.Language))
	}
	if q.Way != "" {
		tag(tagWay, q.Way)
	}
	for _, a := range q.Accessibility {
		tag(tagAccess, a)
	}
	if q.Insolvency305 {
		tag(tagInsolvency, "yes")
	}
	if q.Area != "" {
		// The service area holds the key itself or one above it (the
		// Kreis of a Gemeinde, the Land).
		var keys []string
		for _, n := range []int{2, 5, 8, 12} {
			if len(q.Area) >= n {
				keys = append(keys, q.Area[:n])
			}
		}
		sel = sel.Where("EXISTS (SELECT 1 FROM counselling_tags AS g WHERE g.centre_id = c.id AND g.kind = ? AND g.value IN (?))", tagArea, bun.In(keys))
	}
	var box [4]float64
	if q.Near != nil && q.RadiusKm > 0 {
		dLat := q.RadiusKm / 111.0
		dLon := q.RadiusKm / (111.0 * math.Max(0.05, math.Cos(q.Near.Lat*math.Pi/180)))
		box = [4]float64{q.Near.Lat - dLat, q.Near.Lat + dLat, q.Near.Lon - dLon, q.Near.Lon + dLon}
		sel = sel.Where("EXISTS (SELECT 1 FROM counselling_places AS pl WHERE pl.centre_id = c.id AND pl.lat BETWEEN ? AND ? AND pl.lon BETWEEN ? AND ?)",
			box[0], box[1], box[2], box[3])
	}
	var rows []publicRow
	if err := sel.Scan(ctx, &rows); err != nil {
		return Results{}, fmt.Errorf("search counselling centres: %w", err)
	}

	// The text filter needs the entries; everything else works on the
	// index, and only the page's entries are decoded.
	type hit struct {
		row     publicRow
		entry   *Public
		dist    *float64
		nearest int
	}
	hits := make([]hit, 0, len(rows))
	for _, r := range rows {
		h := hit{row: r}
		if text != "" {
			p, err := s.public(r)
			if err != nil {
				return Results{}, err
			}
			if !strings.Contains(strings.ToLower(p.Name+"\n"+p.Provider+"\n"+p.Description), text) {
				continue
			}
			h.entry = &p
		}
		hits = append(hits, h)
	}
	if q.Near != nil && len(hits) > 0 {
		ids := make([]string, len(hits))
		for i, h := range hits {
			ids[i] = h.row.ID
		}
		var places []struct {
			CentreID string  `bun:"centre_id"`
			Position int     `bun:"position"`
			Lat      float64 `bun:"lat"`
			Lon      float64 `bun:"lon"`
		}
		if err := s.db.Read.NewSelect().Table("counselling_places").Column("centre_id", "position", "lat", "lon").
			Where("centre_id IN (?)", bun.In(ids)).Scan(ctx, &places); err != nil {
			return Results{}, fmt.Errorf("search counselling centres: %w", err)
		}
		best := map[string]float64{}
		nearest := map[string]int{}
		for _, pl := range places {
			d := DistanceKm(q.Near.Lat, q.Near.Lon, pl.Lat, pl.Lon)
			if b, ok := best[pl.CentreID]; !ok || d < b {
				best[pl.CentreID], nearest[pl.CentreID] = d, pl.Position
			}
		}
		kept := hits[:0]
		for _, h := range hits {
			d, ok := best[h.row.ID]
			if !ok || (q.RadiusKm > 0 && d > q.RadiusKm) {
				continue
			}
			d = math.Round(d*10) / 10
			h.dist, h.nearest = &d, nearest[h.row.ID]
			kept = append(kept, h)
		}
		hits = kept
	}

	// German order of names ("Ärzte" with "A"), by collation keys made
	// once per hit rather than per comparison.
	col := collate.New(language.German, collate.IgnoreCase)
	var buf collate.Buffer
	keys := make(map[string][]byte, len(hits))
	for _, h := range hits {
		keys[h.row.ID] = append([]byte(nil), col.KeyFromString(&buf, h.row.Name)...)
		buf.Reset()
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.dist != nil && b.dist != nil && *a.dist != *b.dist {
			if *a.dist < *b.dist {
				return -1
			}
			return 1
		}
		if c := bytes.Compare(keys[a.row.ID], keys[b.row.ID]); c != 0 {
			return c
		}
		return strings.Compare(a.row.ID, b.row.ID)
	})
	out := Results{Total: len(hits), Items: []Result{}}
	var page []hit
	if q.Page != nil {
		var after func(hit) bool
		if a := q.Page.After; a != nil {
			key := col.KeyFromString(&buf, a.Name)
			after = func(h hit) bool {
				return a.compare(h.dist, keys[h.row.ID], h.row.ID, key) > 0
			}
		}
		page = keyset.Seek(hits, after, q.Page.Size())
	} else {
		if q.Offset >= len(hits) {
			return out, nil
		}
		page = hits[q.Offset:min(len(hits), q.Offset+q.Limit)]
	}
	if text == "" {
		ids := make([]string, len(page))
		for i, h := range page {
			ids[i] = h.row.ID
		}
		var full []publicRow
		if err := s.publicQuery(true).Where("c.id IN (?)", bun.In(ids)).Scan(ctx, &full); err != nil {
			return Results{}, fmt.Errorf("search counselling centres: %w", err)
		}
		byID := map[string]publicRow{}
		for _, r := range full {
			byID[r.ID] = r
		}
		for i := range page {
			r, ok := byID[page[i].row.ID]
			if !ok { // unpublished since the first query
				continue
			}
			p, err := s.public(r)
			if err != nil {
				return Results{}, err
			}
			page[i].entry = &p
		}
	}
	now := s.opts.Now()
	for _, h := range page {
		if h.entry == nil {
			continue
		}
		s.withStatus(h.entry, now)
		out.Items = append(out.Items, Result{Public: *h.entry, DistanceKm: h.dist, Nearest: h.nearest})
	}
	return out, nil
}
