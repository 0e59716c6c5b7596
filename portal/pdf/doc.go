// Package pdf renders the application PDF: A4, a readable layout with the
// tenant, the reference number and the date on top, all answers grouped by
// step, page numbers "Seite X von Y", and one embedded TrueType font (a
// DejaVu Sans subset) that covers Latin, Cyrillic and Arabic, so that every
// portal language's script prints. Arabic is shaped into presentation
// forms and put in visual order with a simplified Unicode bidi algorithm.
//
// The package writes PDF itself, because a general PDF library re-parsed
// and re-subset the font for every document and dominated the cost of a
// submission. The font is parsed once (truetype.go); each document lays out
// its pages into content streams (layout.go, wrap.go, content.go), embeds a
// subset of the font that keeps the glyph IDs and drops unused outlines
// (subset.go, fontobj.go), and is assembled with a classic cross-reference
// table (writer.go).
//
// The output is meant to conform to PDF/A-2b (ISO 19005-2, level B): PDF
// 1.7 with a binary comment line, an XMP packet identifying part 2 /
// conformance B whose entries repeat the Info dictionary, an sRGB output
// intent with an embedded ICC profile built in icc.go, document language
// de-DE, a file identifier, no encryption, and every font embedded with
// widths that match the font program, never the .notdef glyph, and a
// ToUnicode map. This is conformance by construction: no PDF/A validator
// (veraPDF) runs here; the tests check the markers and the structure, and
// poppler's tools read the text back. Not covered: the accessible level A
// (a structure tree with tagged content), and the Unicode level U is not
// claimed although every glyph maps to Unicode (Arabic to its
// presentation forms).
package pdf
