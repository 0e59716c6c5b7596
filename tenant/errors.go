package tenant

import (
	"errors"

	"sozialplattform/tenant/fault"
)

// Errors the store returns; the API and the console map them to answers.
var (
	ErrNotFound     = fault.ErrNotFound
	ErrConflict     = errors.New("bereits vorhanden")
	ErrStaleVersion = errors.New("der Datensatz wurde zwischenzeitlich geändert")
	ErrInvalidLogin = errors.New("E-Mail-Adresse oder Passwort ist falsch")
	ErrThrottled    = errors.New("zu viele fehlgeschlagene Anmeldeversuche; bitte später erneut versuchen")
	ErrTokenInvalid = errors.New("der Link ist ungültig, abgelaufen oder wurde bereits verwendet")
)

// The not-found error and field errors are tenant/fault's, which sits below
// tenant so that tenant/mail shares them; these names keep the old spelling.
type (
	FieldError  = fault.FieldError
	FieldErrors = fault.FieldErrors
)
