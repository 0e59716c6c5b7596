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
// (subset.go, fontobj.go), and is assembled with its structure tree in a
// compressed object stream and a cross-reference stream (writer.go).
//
// The PDF is a Tagged PDF (ISO 32000-1, 14.8), so that screen readers read
// the receipt a citizen downloads: a structure tree (structure.go) with
// the title as H1, each step as a Sect with an H2 and a Table of rows (TH
// label, TD answer), household members as H3, answers with several parts
// as a list (L, LI, Lbl, LBody) and "Keine Angaben" as P. Everything drawn
// is either marked content of an element (an MCID, mapped back through the
// parent tree) or an artifact: running header and footer ("Seite X von Y"),
// the draft mark and the rules. The document language is de-DE; an answer
// in another script carries its language (lang.go), and Arabic, drawn in
// visual order, carries its text in logical order as /ActualText.
//
// The output is meant to conform to PDF/A-2b (ISO 19005-2, level B): PDF
// 1.7 with a binary comment line, an XMP packet identifying part 2 /
// conformance B whose entries repeat the Info dictionary, an sRGB output
// intent with an embedded ICC profile built in icc.go, document language
// de-DE, a file identifier, no encryption, and every font embedded with
// widths that match the font program, never the .notdef glyph, and a
// ToUnicode map. This is conformance by construction: no PDF/A validator
// (veraPDF) runs here; the tests check the markers and the structure, and
// poppler's tools read the text and the structure back. The file claims
// level B only: it is tagged as level A asks, but level A (and U) are not
// claimed while no validator confirms them; every glyph maps to Unicode,
// Arabic to the presentation forms drawn.
package pdf
