package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/secret"
)

type loginInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"254" doc:"E-Mail-Adresse des Kontos"`
		Password string `json:"password" maxLength:"256" doc:"Passwort"`
	}
}

type membershipView struct {
	TenantID   string      `json:"tenantId"`
	TenantName string      `json:"tenantName"`
	TenantKind tenant.Kind `json:"tenantKind"`
	Role       tenant.Role `json:"role"`
}

type meBody struct {
	Kind        string           `json:"kind" enum:"user,token" doc:"Wer angemeldet ist: ein Benutzer oder ein API-Token"`
	User        *tenant.User     `json:"user,omitempty"`
	Token       *tenant.APIToken `json:"token,omitempty"`
	Memberships []membershipView `json:"memberships"`
}

type meOutput struct{ Body meBody }

func (c *Core) registerSession(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "login", Method: http.MethodPost, Path: "/v1/session", Tags: []string{tagSession},
		Summary: "Anmelden",
		Description: "Prüft E-Mail-Adresse und Passwort und setzt das Sitzungs-Cookie (HttpOnly, SameSite=Lax). " +
			"Jeder Versuch wird vor der Passwortprüfung gezählt. Nach fünf Fehlversuchen von einer Adresse für ein Konto " +
			"(20 für das Konto insgesamt, 100 von einer Adresse insgesamt) muss jeder weitere Versuch doppelt so lange warten wie " +
			"der vorige (1 s, 2 s, 4 s … höchstens 15 Minuten); ein zu früher Versuch bekommt 429 mit Retry-After, ohne geprüft zu werden. " +
			"Eine Adresse, von der das Konto schon erfolgreich angemeldet war, zählt nur ihre eigenen Fehlversuche.",
		Errors: []int{http.StatusUnauthorized, http.StatusTooManyRequests},
	}, Access{Public: true}, func(ctx context.Context, in *loginInput) (*meOutput, error) {
		hctx := humaContext(ctx)
		r, w := humago.Unwrap(hctx)
		u, err := c.store.Authenticate(ctx, in.Body.Email, in.Body.Password, clientIP(r))
		if err != nil {
			if wait := tenant.RetryAfter(err); wait > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
			}
			return nil, Problem(ctx, c.logger, err)
		}
		if err := c.auth.Login(w, r, u, secret.New()); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return c.me(ctx, authz.Principal{UserID: u.ID, Label: u.Email})
	})
	Register(api, huma.Operation{
		OperationID: "logout", Method: http.MethodDelete, Path: "/v1/session", Tags: []string{tagSession},
		Summary: "Abmelden", Description: "Beendet die Sitzung auf dem Server. Eine Anfrage aus fremder Herkunft (Cross-Origin) lehnt der Server mit 403 ab.",
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusForbidden},
	}, Access{Public: true}, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		r, w := humago.Unwrap(humaContext(ctx))
		if err := c.auth.Logout(w, r); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
	Register(api, huma.Operation{
		OperationID: "getMe", Method: http.MethodGet, Path: "/v1/me", Tags: []string{tagSession},
		Summary: "Wer bin ich?", Description: "Der angemeldete Benutzer oder das API-Token mit seinen Rollen.",
	}, Access{}, func(ctx context.Context, _ *struct{}) (*meOutput, error) {
		return c.me(ctx, authz.PrincipalFrom(ctx))
	})
}

func (c *Core) me(ctx context.Context, p authz.Principal) (*meOutput, error) {
	out := &meOutput{Body: meBody{Memberships: []membershipView{}}}
	var ms []tenant.Membership
	if p.TokenID != "" {
		out.Body.Kind = "token"
		tok, err := c.store.GetAPIToken(ctx, p.TokenID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.Body.Token = tok
		ms = []tenant.Membership{{TenantID: tok.TenantID, Role: tok.Role}}
	} else {
		out.Body.Kind = "user"
		u, err := c.store.GetUser(ctx, p.UserID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.Body.User = u
		if ms, err = c.store.Memberships(ctx, u.ID); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
	}
	for _, m := range ms {
		t, err := c.store.GetTenant(ctx, m.TenantID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.Body.Memberships = append(out.Body.Memberships, membershipView{TenantID: t.ID, TenantName: t.Name, TenantKind: t.Kind, Role: m.Role})
	}
	return out, nil
}
