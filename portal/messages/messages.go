// Package messages holds the citizen portal's UI texts, one JSON
// catalogue per language (de.json, en.json, ar.json, uk.json, tr.json,
// ru.json), embedded in the binary. The portal's surface (portal/www)
// loads them; keys are the same in every language.
package messages

import "embed"

// Files are the catalogues, named "<language code>.json".
//
//go:embed *.json
var Files embed.FS
