package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"sozialplattform/tenant/authz"
)

type requestResetInput struct {
	Body struct {
		Email string `json:"email" maxLength:"254"`
	}
}

type resetInput struct {
	Token string `path:"token" maxLength:"100"`
	Body  struct {
		Password string `json:"password" maxLength:"256"`
	}
}

type changePasswordInput struct {
	Body struct {
		CurrentPassword string `json:"currentPassword" maxLength:"256"`
		Password        string `json:"password" maxLength:"256"`
	}
}

func (c *Core) registerPasswords(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "requestPasswordReset", Method: http.MethodPost, Path: "/v1/password-resets", Tags: []string{tagSession},
		Summary: "Passwort vergessen",
		Description: "Schickt einen Link zum Setzen eines neuen Passworts, wenn die Adresse zu einem aktiven Konto gehört. " +
			"Die Antwort ist immer 202, damit niemand Konten erraten kann. Je Adresse gehen höchstens drei Mails auf einmal hinaus, " +
			"dann nach 20 und nach weiteren 40 Minuten je eine, danach höchstens eine je Stunde; je Client-Adresse 30. " +
			"Weitere Anfragen bekommen dieselbe Antwort ohne Mail.",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusUnprocessableEntity},
	}, Access{Public: true}, func(ctx context.Context, in *requestResetInput) (*struct{}, error) {
		r, _ := humago.Unwrap(humaContext(ctx))
		if _, err := c.store.RequestPasswordReset(ctx, in.Body.Email, clientIP(r)); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
	Register(api, huma.Operation{
		OperationID: "resetPassword", Method: http.MethodPost, Path: "/v1/password-resets/{token}", Tags: []string{tagSession},
		Summary: "Neues Passwort mit Link setzen", DefaultStatus: http.StatusNoContent,
		Description: "Setzt das Passwort einmal; alle Sitzungen und alle übrigen Links zum Zurücksetzen des Kontos enden damit. " +
			"Häufige oder leicht zu erratende Passwörter (Liste bekannter Passwörter, Wiederholungen, Reihen, Name der Plattform, " +
			"eigene Adresse oder eigener Name) werden mit 422 abgelehnt.",
		Errors: []int{http.StatusGone, http.StatusUnprocessableEntity},
	}, Access{Public: true}, func(ctx context.Context, in *resetInput) (*struct{}, error) {
		if err := c.store.ResetPassword(ctx, in.Token, in.Body.Password); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
	Register(api, huma.Operation{
		OperationID: "changePassword", Method: http.MethodPut, Path: "/v1/me/password", Tags: []string{tagSession},
		Summary: "Eigenes Passwort ändern", DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusUnprocessableEntity},
	}, Access{}, func(ctx context.Context, in *changePasswordInput) (*struct{}, error) {
		p := authz.PrincipalFrom(ctx)
		if p.UserID == "" {
			return nil, huma.Error403Forbidden("Ein API-Token hat kein Passwort.")
		}
		if err := c.store.ChangePassword(ctx, p.UserID, in.Body.CurrentPassword, in.Body.Password); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
}
