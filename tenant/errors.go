package tenant

import (
	"errors"
	"fmt"
	"strings"
)

// Errors the store returns; the API and the console map them to answers.
var (
	ErrNotFound     = errors.New("nicht gefunden")
	ErrConflict     = errors.New("bereits vorhanden")
	ErrStaleVersion = errors.New("der Datensatz wurde zwischenzeitlich geändert")
	ErrInvalidLogin = errors.New("E-Mail-Adresse oder Passwort ist falsch")
	ErrThrottled    = errors.New("zu viele fehlgeschlagene Anmeldeversuche; bitte später erneut versuchen")
	ErrTokenInvalid = errors.New("der Link ist ungültig, abgelaufen oder wurde bereits verwendet")
)

// FieldError says what is wrong with one input field. Field uses the API's
// JSON names ("officialKey", "contacts[0].email").
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors collects the problems of one input; it is an error when not
// empty.
type FieldErrors []FieldError

// Add records a problem with a field.
func (fe *FieldErrors) Add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns the collected errors, or nil when there are none.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// For returns the message for one field, or "".
func (fe FieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// fieldError makes a FieldErrors with one entry.
func fieldError(field, format string, args ...any) error {
	var fe FieldErrors
	fe.Add(field, format, args...)
	return fe
}
