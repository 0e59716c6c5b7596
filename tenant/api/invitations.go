package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
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

type listInvitationsInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	PageQuery
}

type listInvitationsOutput struct {
	PageHeaders
	Body struct {
		Items []invitationView `json:"items"`
		PageBody
	}
}

type invitationPathInput struct {
	TenantID     string `path:"tenantId" maxLength:"64"`
	InvitationID string `path:"invitationId" maxLength:"64"`
}

type acceptInput struct {
	Token string `path:"token" maxLength:"100"`
	Body  struct {
		Name     string `json:"name,omitempty" maxLength:"200" doc:"Ihr Name – nur für ein neues Konto"`
		Password string `json:"password,omitempty" maxLength:"256" doc:"Passwort des neuen Kontos – nur für eine Adresse, die noch kein Konto hat"`
	}
}

type acceptOutput struct {
	Body struct {
		User *tenant.User `json:"user"`
	}
}

func (c *Core) registerInvitations(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "createInvitation", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/invitations", Tags: []string{tagUsers},
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
		OperationID: "listInvitations", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/invitations", Tags: []string{tagUsers},
		Summary: "Einladungen einer Körperschaft", Description: "Neueste zuerst.",
	}, Access{Obj: authz.ObjInvitation, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *listInvitationsInput) (*listInvitationsOutput, error) {
		p, err := PageOf[keyset.TimeKey](in.PageQuery, "invitations")
		if err != nil {
			return nil, err
		}
		rows, err := c.store.ListInvitationsPage(ctx, in.TenantID, p)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &listInvitationsOutput{}
		invs, pg, err := NextPage(ctx, "invitations", rows, p, tenant.InvitationKey)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		out.Body.Items = make([]invitationView, len(invs))
		for i, inv := range invs {
			out.Body.Items[i] = invitationView{Invitation: inv, State: inv.State(time.Now())}
		}
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "revokeInvitation", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/invitations/{invitationId}", Tags: []string{tagUsers},
		Summary: "Einladung zurückziehen", DefaultStatus: http.StatusNoContent,
	}, Access{Obj: authz.ObjInvitation, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *invitationPathInput) (*struct{}, error) {
		if err := c.store.RevokeInvitation(ctx, in.TenantID, in.InvitationID); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
	Register(api, huma.Operation{
		OperationID: "acceptInvitation", Method: http.MethodPost, Path: "/v1/invitations/{token}/accept", Tags: []string{tagUsers},
		Summary: "Einladung annehmen",
		Description: "Angemeldet mit dem Konto der eingeladenen Adresse: nimmt die Einladung an, ohne Passwort. " +
			"Nicht angemeldet: legt für eine Adresse ohne Konto mit Name und Passwort ein Konto an. " +
			"Sonst antwortet sie 401 mit derselben Antwort, ob die Adresse ein Konto hat oder nicht. " +
			"Eine andere angemeldete Person bekommt 403; ein benutzter, abgelaufener oder zurückgezogener Link 410.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusGone, http.StatusUnprocessableEntity},
	}, Access{Public: true}, func(ctx context.Context, in *acceptInput) (*acceptOutput, error) {
		p := authz.PrincipalFrom(ctx)
		var u *tenant.User
		var err error
		switch {
		case p.TokenID != "":
			return nil, huma.Error403Forbidden("Ein API-Token kann keine Einladung annehmen.")
		case p.UserID != "":
			u, err = c.store.AcceptInvitationAs(ctx, in.Token, p.UserID)
		default:
			u, err = c.store.AcceptInvitationNewAccount(ctx, in.Token, in.Body.Name, in.Body.Password)
		}
		switch {
		case errors.Is(err, tenant.ErrLoginRequired):
			return nil, huma.Error401Unauthorized(tenant.ErrLoginRequired.Error())
		case errors.Is(err, tenant.ErrInvitationForOther):
			return nil, huma.Error403Forbidden(tenant.ErrInvitationForOther.Error())
		case err != nil:
			return nil, Problem(ctx, c.logger, err)
		}
		out := &acceptOutput{}
		out.Body.User = u
		return out, nil
	})
}
