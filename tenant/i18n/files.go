package i18n

import "embed"

// files are the catalogues: catalogue/<area>/<language code>.json, one
// flat JSON object of key → text per file, kept sorted by key so that
// diffs stay small.
//
//go:embed catalogue
var files embed.FS
