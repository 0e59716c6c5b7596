package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type invitationView struct {
	tenant.Invitation
	State string `json:"state" enum:"offen,angenommen,zurückgezogen,abgelaufen"`
}

type inviteInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		Email string      `json:"email" maxLength:"254"`
		Role  tenant.Role `json:"role" enum:"ministry-admin,municipality-admin,municipality-clerk,counselling-editor"`
	}
}

type invitationOutput struct{ Body invitationView }

type listInvitationsOutput struct {
	Body struct {
		Items []invitationView `json:"items"`
	}
}

type invitationPathInput struct {
	TenantID     string `path:"tenantId" maxLength:"64"`
	InvitationID string `path:"invitationId" maxLength:"64"`
}

type acceptInput struct {
	Token string `path:"token" maxLength:"100"`
	Body  struct {
		Name     string `json:"name,omitempty" maxLength:"200" doc:"Ihr Name (für ein neues Konto)"`
		Password string `json:"password" maxLength:"256" doc:"Neues Passwort, oder das Passwort Ihres bestehenden Kontos"`
	}
}

type acceptOutput struct {
	Body struct {
		User *tenant.User `json:"user"`
	}
}

func (c *Core) registerInvitations(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "create-invitation", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/invitations", Tags: []string{tagUsers},
		Summary:       "Person einladen",
		Description:   "Schickt eine Einladung mit einem Link, der einmal gilt und nach sieben Tagen abläuft.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, Access{Obj: authz.ObjInvitation, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *inviteInput) (*invitationOutput, error) {
		if err := c.checkGrant(ctx, in.TenantID, in.Body.Role); err != nil {
			return nil, err
		}
		inv, _, err := c.store.Invite(ctx, in.TenantID, in.Body.Email, in.Body.Role)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &invitationOutput{Body: invitationView{Invitation: *inv, State: inv.State(time.Now())}}, nil
	})
	Register(api, huma.Operation{
		OperationID: "list-invitations", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/invitations", Tags: []string{tagUsers},
		Summary: "Einladungen einer Körperschaft",
	}, Access{Obj: authz.ObjInvitation, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *tenantPathInput) (*listInvitationsOutput, error) {
		invs, err := c.store.ListInvitations(ctx, in.TenantID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &listInvitationsOutput{}
		out.Body.Items = make([]invitationView, len(invs))
		for i, inv := range invs {
			out.Body.Items[i] = invitationView{Invitation: inv, State: inv.State(time.Now())}
		}
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "revoke-invitation", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/invitations/{invitationId}", Tags: []string{tagUsers},
		Summary: "Einladung zurückziehen", DefaultStatus: http.StatusNoContent,
	}, Access{Obj: authz.ObjInvitation, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *invitationPathInput) (*struct{}, error) {
		if err := c.store.RevokeInvitation(ctx, in.TenantID, in.InvitationID); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
	Register(api, huma.Operation{
		OperationID: "accept-invitation", Method: http.MethodPost, Path: "/v1/invitations/{token}/accept", Tags: []string{tagUsers},
		Summary:     "Einladung annehmen",
		Description: "Legt mit Name und Passwort ein Konto an oder fügt das bestehende Konto der Adresse (mit dessen Passwort) hinzu. Ein benutzter, abgelaufener oder zurückgezogener Link antwortet 410.",
		Errors:      []int{http.StatusGone, http.StatusUnprocessableEntity},
	}, Access{Public: true}, func(ctx context.Context, in *acceptInput) (*acceptOutput, error) {
		u, err := c.store.AcceptInvitation(ctx, in.Token, in.Body.Name, in.Body.Password)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &acceptOutput{}
		out.Body.User = u
		return out, nil
	})
}
