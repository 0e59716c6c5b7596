package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant/keyset"
)

// PageQuery are the paging parameters of every list operation. The limit's
// bounds are checked by huma (422 outside 1..500); the cursor by PageOf.
type PageQuery struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Einträge je Seite, 1 bis 500"`
	Cursor string `query:"cursor" maxLength:"1024" doc:"Position zum Weiterblättern, undurchsichtig: der Wert aus dem Link der vorigen Seite (next bzw. Link-Header). Ohne: erste Seite."`
}

// PageHeaders are the response headers of a list operation.
type PageHeaders struct {
	Link string `header:"Link" doc:"RFC 8288: <…>; rel=\"next\" mit der Adresse der nächsten Seite; fehlt auf der letzten Seite."`
}

// PageBody is embedded in the body of every list answer beside its items.
type PageBody struct {
	Next string `json:"next,omitempty" doc:"Adresse der nächsten Seite (dieselbe wie im Link-Header); fehlt auf der letzten Seite."`
}

// Page is what a list handler answers besides its items.
type Page struct {
	Body    PageBody
	Headers PageHeaders
}

// cursor is what an opaque cursor holds: the listing it belongs to and
// the position of the previous page's last row.
type cursor[K any] struct {
	Listing string `json:"l"`
	After   K      `json:"a"`
}

// checksumLen bytes of SHA-256 lead every cursor. They are no secret (a
// client may name any position it likes; filters and access rules apply
// all the same) but catch a cut, garbled or hand-edited cursor, which then
// gets a clear 422 instead of a silently wrong page.
const checksumLen = 6

// encodeCursor makes the cursor for the position after in listing.
func encodeCursor[K any](listing string, after K) (string, error) {
	payload, err := json.Marshal(cursor[K]{Listing: listing, After: after})
	if err != nil {
		return "", fmt.Errorf("encode cursor of %s: %w", listing, err)
	}
	sum := sha256.Sum256(payload)
	return base64.RawURLEncoding.EncodeToString(append(sum[:checksumLen], payload...)), nil
}

// decodeCursor reads a cursor made by encodeCursor for listing.
func decodeCursor[K any](listing, s string) (K, error) {
	var zero K
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) <= checksumLen {
		return zero, fmt.Errorf("not a cursor")
	}
	sum := sha256.Sum256(raw[checksumLen:])
	if !bytes.Equal(sum[:checksumLen], raw[:checksumLen]) {
		return zero, fmt.Errorf("cursor checksum mismatch")
	}
	dec := json.NewDecoder(bytes.NewReader(raw[checksumLen:]))
	dec.DisallowUnknownFields()
	var c cursor[K]
	if err := dec.Decode(&c); err != nil {
		return zero, fmt.Errorf("cursor payload: %w", err)
	}
	if c.Listing != listing {
		return zero, fmt.Errorf("cursor of listing %q used for %q", c.Listing, listing)
	}
	return c.After, nil
}

// errBadCursor is the 422 for a cursor that this listing did not make.
func errBadCursor() error {
	return huma.Error422UnprocessableEntity("Der Blätter-Cursor ist ungültig.",
		&huma.ErrorDetail{Location: "query.cursor",
			Message: "Verwenden Sie den Link aus next bzw. dem Link-Header der vorigen Seite unverändert, oder lassen Sie cursor weg."})
}

// PageOf reads the paging parameters of a list operation for listing (a
// name unique among the API's listings, so that a cursor of one listing is
// refused by another). A cursor that does not decode is a 422.
func PageOf[K any](q PageQuery, listing string) (keyset.Page[K], error) {
	p := keyset.Page[K]{Limit: q.Limit}
	if q.Cursor == "" {
		return p, nil
	}
	after, err := decodeCursor[K](listing, q.Cursor)
	if err != nil {
		return p, errBadCursor()
	}
	p.After = &after
	return p, nil
}

// NextPage cuts rows (fetched by keyset.Order.Apply, one more than the
// page's size) to the page and, when another page follows, links to it:
// the request's own address with the cursor after the page's last row.
func NextPage[T, K any](ctx context.Context, listing string, rows []T, p keyset.Page[K], key func(T) K) ([]T, Page, error) {
	items, more := keyset.Cut(rows, p.Size())
	if !more {
		return items, Page{}, nil
	}
	c, err := encodeCursor(listing, key(items[len(items)-1]))
	if err != nil {
		return nil, Page{}, err
	}
	next := nextURL(requestURL(ctx), c, p.Size())
	return items, Page{Body: PageBody{Next: next}, Headers: PageHeaders{Link: "<" + next + `>; rel="next"`}}, nil
}

// nextURL is u with cursor and limit replaced, as a path-absolute reference.
func nextURL(u url.URL, cursor string, limit int) string {
	q := u.Query()
	q.Set("cursor", cursor)
	q.Set("limit", fmt.Sprint(limit))
	return (&url.URL{Path: u.Path, RawQuery: q.Encode()}).String()
}

type urlKey struct{}

// keepURL is a per-operation middleware (set by Register) that makes the
// request's address reachable for the next-page link.
func keepURL(ctx huma.Context, next func(huma.Context)) {
	next(huma.WithValue(ctx, urlKey{}, ctx.URL()))
}

func requestURL(ctx context.Context) url.URL {
	u, _ := ctx.Value(urlKey{}).(url.URL)
	return u
}

// UnpagedKey is the OpenAPI extension (in huma.Operation.Extensions) of a
// listing that deliberately answers whole, with the reason: a bounded set
// such as a vocabulary, a configuration or an aggregate. Every other list
// operation pages (see TestAPIConventions in cmd/sozialplattform).
const UnpagedKey = "x-unpaged"
