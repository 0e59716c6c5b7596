// Package fault holds the two errors every layer of the platform shares,
// from the mail outbox up to the domains: ErrNotFound, which each surface
// answers with 404 (a domain's own not-found errors wrap it), and
// FieldErrors, the problems of one input, each with a message code and
// its parameters beside the German text, so that a surface can put a
// translation next to the field instead of the German sentence.
//
// The package sits below tenant because tenant/mail needs it too; tenant
// re-exports both under their old names (tenant.ErrNotFound,
// tenant.FieldErrors).
package fault

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound says that the thing asked for does not exist – or exists
// outside what the asker may see, which must look the same.
var ErrNotFound = errors.New("nicht gefunden")

// NotFound names what a query looked for: sql.ErrNoRows becomes
// ErrNotFound, any other error is wrapped as it is; nil stays nil.
func NotFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// IsNoRows reports whether a query found no row (sql.ErrNoRows).
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// FieldError says what is wrong with one input field.
type FieldError struct {
	// Field is the API's JSON name of the field ("officialKey",
	// "contacts[0].email").
	Field string
	// Code names the message for translation ("phone"); empty where the
	// domain has only the German text so far.
	Code string
	// Params are the values the message names ({"max": 100}).
	Params map[string]any
	// Message is the German text.
	Message string
}

// FieldErrors collects the problems of one input; it is an error when not
// empty.
type FieldErrors []FieldError

// Add records a problem with a field as German text only.
func (fe *FieldErrors) Add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// AddCode records a problem with its message code, the code's parameters
// and the German text.
func (fe *FieldErrors) AddCode(field, code string, params map[string]any, message string) {
	*fe = append(*fe, FieldError{Field: field, Code: code, Params: params, Message: message})
}

// Append records a problem built elsewhere, such as a coded one whose
// German text tenant/i18n supplies (i18n.Coded).
func (fe *FieldErrors) Append(e FieldError) { *fe = append(*fe, e) }

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

// For returns the (first) message for one field, or "".
func (fe FieldErrors) For(field string) string {
	if e, ok := fe.Get(field); ok {
		return e.Message
	}
	return ""
}

// Get returns the (first) problem of one field.
func (fe FieldErrors) Get(field string) (FieldError, bool) {
	for _, e := range fe {
		if e.Field == field {
			return e, true
		}
	}
	return FieldError{}, false
}

// Field is an error with one problem as German text.
func Field(field, format string, args ...any) error {
	var fe FieldErrors
	fe.Add(field, format, args...)
	return fe
}

// FieldCode is an error with one problem with its message code.
func FieldCode(field, code string, params map[string]any, message string) error {
	var fe FieldErrors
	fe.AddCode(field, code, params, message)
	return fe
}
