package marketplace

import (
	"errors"
	"fmt"
)

// Kinds of refusal. A refusal is an *Error wrapping one of them with a
// German message for the user; the API maps the kind to a status.
var (
	// ErrRefused means the request is well-formed but breaks a rule of the
	// marketplace (an empty Warenkorb, a product no longer orderable, a
	// state change that the order's state does not allow): 422.
	ErrRefused = errors.New("nicht möglich")
	// ErrDuplicate means the thing exists already (a second registration
	// of one authority) or was just done (a Warenkorb ordered twice): 409.
	ErrDuplicate = errors.New("bereits vorhanden")
	// ErrLinkGone means a confirmation link expired or was used: 410.
	ErrLinkGone = errors.New("Link nicht mehr gültig")
	// ErrLinkUsed is the ErrLinkGone of a link that did its work: the
	// Funktionspostfach is confirmed, so registering again would only be
	// refused as a duplicate.
	ErrLinkUsed = fmt.Errorf("%w: bereits verwendet", ErrLinkGone)
)

// Error is a refusal with a message that can be shown as it is.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap makes errors.Is(err, ErrRefused) work.
func (e *Error) Unwrap() error { return e.Kind }

func refuse(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
