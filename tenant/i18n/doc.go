// Package i18n holds the platform's texts and the one mechanism that looks
// them up, for the citizen portal, the forms engine, the finder and the
// console alike.
//
// The texts are JSON files embedded from catalogue/<area>/<language>.json
// (areas: portal, field, console), one flat object of key → text each. A
// language's catalogue is the union of its areas; a key lives in one area
// only. German is the template and the fallback: an area with German only
// (the console) is German on purpose, and a key a translation lacks is
// answered in German with the fact that it fell back, so that a page can
// mark it lang="de". Texts take positional ({0}, {1}) or named ({max})
// parameters; a key with the suffixes .one, .few, .other … (or .=1 for an
// exact count) is a plural, chosen by the language's CLDR rule.
//
// Domains do not translate: they return a code and its parameters
// (fault.FieldError), and the surface asks its catalogue for "field." +
// code – the console in German, the portal in the citizen's language.
package i18n
