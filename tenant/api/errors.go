package api

import (
	"context"
	"errors"
	"log/slog"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/migrations"
	"sozialplattform/tenant"
)

// Problem turns an error from a store into the API's answer: field errors
// become 422 with locations, the store's sentinels their statuses, an
// unreachable database 503, anything else a logged 500.
func Problem(ctx context.Context, logger *slog.Logger, err error) error {
	var fe tenant.FieldErrors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		details := make([]error, len(fe))
		for i, e := range fe {
			details[i] = &huma.ErrorDetail{Location: "body." + e.Field, Message: e.Message}
		}
		return huma.Error422UnprocessableEntity("Die Angaben sind nicht vollständig oder nicht gültig.", details...)
	case errors.Is(err, tenant.ErrNotFound):
		return huma.Error404NotFound("Nicht gefunden.")
	case errors.Is(err, tenant.ErrStaleVersion):
		return huma.Error409Conflict("Der Datensatz wurde zwischenzeitlich geändert. Bitte laden Sie ihn neu und wiederholen Sie Ihre Änderung.")
	case errors.Is(err, tenant.ErrConflict):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, tenant.ErrInvalidLogin):
		return huma.Error401Unauthorized(tenant.ErrInvalidLogin.Error())
	case errors.Is(err, tenant.ErrThrottled):
		return huma.Error429TooManyRequests(tenant.ErrThrottled.Error())
	case errors.Is(err, tenant.ErrTokenInvalid):
		return huma.Error410Gone(tenant.ErrTokenInvalid.Error())
	case Unavailable(err):
		logger.WarnContext(ctx, "database unavailable", "err", err)
		return huma.Error503ServiceUnavailable("Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.")
	}
	logger.ErrorContext(ctx, "request failed", "err", err)
	return huma.Error500InternalServerError("Interner Fehler.")
}

// Unavailable reports whether err means the database cannot be reached (as
// opposed to a bug or bad input), so that clients get 503 and may retry.
func Unavailable(err error) bool { return migrations.IsUnavailable(err) }
