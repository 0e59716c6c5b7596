// Package i18n holds the platform's texts and the one mechanism that looks
// them up: catalogues per language, embedded from JSON files, with
// positional and named parameters, plural forms, and a fallback to German
// that says it fell back.
package i18n
