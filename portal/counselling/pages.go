package counselling

import (
	"bytes"
	"strings"

	"sozialplattform/tenant/keyset"
)

// SearchKey is a hit's position in Search's order: by distance when
// searched from a place, then by name (German collation), then ID.
type SearchKey struct {
	DistanceKm *float64 `json:"d,omitempty"`
	Name       string   `json:"m"`
	ID         string   `json:"i"`
}

// PageKey is r's position in Search.
func (r Result) PageKey() SearchKey {
	return SearchKey{DistanceKm: r.DistanceKm, Name: r.Name, ID: r.ID}
}

// compare orders a hit (its distance, collation key of its name, ID)
// against the position k, whose name has the collation key kName – the
// same comparison Search sorts by.
func (k SearchKey) compare(dist *float64, name []byte, id string, kName []byte) int {
	if dist != nil && k.DistanceKm != nil && *dist != *k.DistanceKm {
		if *dist < *k.DistanceKm {
			return -1
		}
		return 1
	}
	if c := bytes.Compare(name, kName); c != 0 {
		return c
	}
	return strings.Compare(id, k.ID)
}

// CentreKey is a centre's position in List with a Page: by name (ignoring
// case), then ID.
type CentreKey struct {
	Name string `json:"m"`
	ID   string `json:"i"`
}

// PageKey is c's position in List.
func (c Centre) PageKey() CentreKey { return CentreKey{Name: c.sortName, ID: c.ID} }

var centreOrder = keyset.Order{{Expr: "LOWER(c.name)"}, {Expr: "c.id"}}

func (k *CentreKey) values() []any {
	if k == nil {
		return nil
	}
	return []any{k.Name, k.ID}
}
