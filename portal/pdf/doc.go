// Package pdf renders the application PDF: A4, a readable layout with the
// tenant, the reference number and the date on top, all answers grouped by
// step, page numbers, and one embedded TrueType font (a DejaVu Sans subset)
// that covers Latin, Cyrillic and Arabic, so that every portal language's
// script prints. Arabic is shaped into presentation forms and reordered
// with the Unicode bidi algorithm, since the PDF library does neither.
//
// The PDF is not PDF/A: go-pdf/fpdf writes XMP metadata but no output
// intent (ICC profile) and no structure tree, which PDF/A requires.
package pdf
