// Package phone is the platform's one rule for telephone numbers typed by
// people: authorities at registration, counselling centres, the portal's
// contact data, citizens in bookings and applications.
//
// A number is written as people in Germany write it – "0391 567-0",
// "(03941) 55 55-12", "0391/5670", "+49 391 567-0", "+49 (0)391 567-0",
// "0391.567.0" – so the rule checks the form, not the numbering plan: an
// optional "+" at the start, then digits with spaces, "/", "-", "." and
// round brackets between them (not nested), 5 to 20 digits in all (E.164
// allows 15; the rest leaves room for an extension, "Durchwahl", after a
// hyphen). Runs of white space become one space.
package phone

import (
	"strings"
	"unicode/utf8"

	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/i18n"
)

// Code is the message code of an invalid number. Its text, in every
// language, is "field.phone" in tenant/i18n – the one text the console, the
// API, the portal and the forms engine show.
const Code = "phone"

// The limits of the rule.
const (
	MinDigits = 5
	MaxDigits = 20
	// MaxLen caps the written form (characters after Normalize).
	MaxLen = 40
)

// Normalize returns s with surrounding white space removed and inner runs
// of it made one space, and whether that is a valid number. An empty s is
// not valid: whether the number is required is the caller's rule.
func Normalize(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	return s, valid(s)
}

// Valid reports whether s (after Normalize) is a valid number.
func Valid(s string) bool {
	_, ok := Normalize(s)
	return ok
}

// Check normalizes an optional number in place and records Code under
// field when it is not valid; an empty value passes (whether the number is
// required is the caller's rule). It reports whether the value passed.
func Check(errs *fault.FieldErrors, field string, v *string) bool {
	if strings.TrimSpace(*v) == "" {
		*v = ""
		return true
	}
	n, ok := Normalize(*v)
	*v = n
	if !ok {
		*errs = append(*errs, i18n.Coded(field, Code, map[string]any{"minDigits": MinDigits, "maxDigits": MaxDigits}))
	}
	return ok
}

func valid(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxLen {
		return false
	}
	digits, depth := 0, 0
	prevDigit := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			prevDigit = true
			continue
		case r == '+':
			if i != 0 {
				return false
			}
		case r == '(':
			if depth > 0 {
				return false
			}
			depth++
		case r == ')':
			if depth == 0 || !prevDigit {
				return false
			}
			depth--
		case r == ' ', r == '/', r == '-', r == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
		prevDigit = false
	}
	return depth == 0 && digits >= MinDigits && digits <= MaxDigits && lastIsDigit(s)
}

func lastIsDigit(s string) bool { c := s[len(s)-1]; return c >= '0' && c <= '9' }
