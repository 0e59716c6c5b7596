package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type listUsersInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	PageQuery
}

type listUsersOutput struct {
	PageHeaders
	Body struct {
		Items []tenant.Member `json:"items"`
		PageBody
	}
}

type createUserInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		Email    string      `json:"email" maxLength:"254"`
		Name     string      `json:"name" minLength:"1" maxLength:"200"`
		Role     tenant.Role `json:"role" enum:"ministry-admin,municipality-admin,municipality-clerk,counselling-editor"`
		Password string      `json:"password" minLength:"12" maxLength:"256" doc:"Erstes Passwort; besser ist eine Einladung"`
	}
}

// createUserOutput is the same whether the address had an account or not.
type createUserOutput struct {
	Body struct {
		Email    string      `json:"email"`
		Role     tenant.Role `json:"role"`
		TenantID string      `json:"tenantId"`
		Message  string      `json:"message"`
	}
}

type memberOutput struct{ Body *tenant.Member }

type memberPathInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	UserID   string `path:"userId" maxLength:"64"`
}

type updateMemberInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	UserID   string `path:"userId" maxLength:"64"`
	Body     struct {
		Role         *tenant.Role `json:"role,omitempty" enum:"ministry-admin,municipality-admin,municipality-clerk,counselling-editor"`
		Active       *bool        `json:"active,omitempty" doc:"false deaktiviert das Konto und beendet seine Sitzungen"`
		RevokeTokens *bool        `json:"revokeTokens,omitempty" doc:"Mit active=false: true widerruft die API-Token, die die Person erzeugt hat, false lässt sie (als verwaist) weiterlaufen. Ohne Angabe antwortet eine Deaktivierung, die Token verwaisen ließe, 409."`
	}
}

type removeMemberInput struct {
	TenantID     string `path:"tenantId" maxLength:"64"`
	UserID       string `path:"userId" maxLength:"64"`
	RevokeTokens string `query:"revokeTokens" enum:"true,false" doc:"true widerruft die API-Token, die die Person erzeugt hat und die mit ihr die Berechtigung verlieren; false lässt sie (als verwaist) weiterlaufen. Ohne Angabe antwortet eine Entfernung, die Token verwaisen ließe, 409."`
}

// tokenDecision reads the revokeTokens parameter.
func tokenDecision(v *bool) tenant.TokenDecision {
	switch {
	case v == nil:
		return tenant.TokensAsk
	case *v:
		return tenant.TokensRevoke
	}
	return tenant.TokensKeep
}

// departProblem answers a change that would orphan tokens without a
// decision with 409 and the tokens' names.
func (c *Core) departProblem(ctx context.Context, err error) error {
	var pending *tenant.TokensPendingError
	if errors.As(err, &pending) {
		return huma.Error409Conflict(pending.Error() + " Geben Sie dazu revokeTokens=true oder revokeTokens=false an.")
	}
	return Problem(ctx, c.logger, err)
}

// mayRevokeTokens limits a departure's revocations to the tenants whose
// tokens the caller may revoke.
func (c *Core) mayRevokeTokens(ctx context.Context) func(tenantID string) bool {
	p := authz.PrincipalFrom(ctx)
	return func(tenantID string) bool { return c.authz.Allowed(p, tenantID, authz.ObjAPIToken, authz.Delete) }
}

func (c *Core) registerUsers(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "listUsers", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/users", Tags: []string{tagUsers},
		Summary: "Benutzer einer Körperschaft", Description: "Nach Name, dann E-Mail-Adresse.",
	}, Access{Obj: authz.ObjUser, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *listUsersInput) (*listUsersOutput, error) {
		p, err := PageOf[tenant.NameKey](in.PageQuery, "users")
		if err != nil {
			return nil, err
		}
		rows, err := c.store.ListMembersPage(ctx, in.TenantID, p)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &listUsersOutput{}
		var pg Page
		if out.Body.Items, pg, err = NextPage(ctx, "users", rows, p, tenant.Member.PageKey); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "createUser", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/users", Tags: []string{tagUsers},
		Summary: "Benutzer anlegen oder einladen",
		Description: "Für eine neue Adresse entsteht ein Konto mit erstem Passwort und Rolle. Hat die Adresse schon ein Konto, " +
			"bekommt sie stattdessen eine Einladung in diese Körperschaft, die die Person angemeldet annimmt; das Passwort " +
			"wird dann nicht verwendet. Die Antwort ist in beiden Fällen dieselbe (202), sie verrät nicht, ob es ein Konto " +
			"gibt. Für Personen ist eine Einladung der bessere Weg.",
		DefaultStatus: http.StatusAccepted, Errors: []int{http.StatusUnprocessableEntity},
	}, Access{Obj: authz.ObjUser, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *createUserInput) (*createUserOutput, error) {
		if err := c.checkGrant(ctx, in.TenantID, in.Body.Role); err != nil {
			return nil, err
		}
		email, err := c.createOrInvite(ctx, in)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &createUserOutput{}
		out.Body.Email, out.Body.Role, out.Body.TenantID = email, in.Body.Role, in.TenantID
		out.Body.Message = "Angelegt oder eingeladen: Hat die Adresse schon ein Konto, erhält die Person eine Einladung per E-Mail, sonst gilt das erste Passwort."
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "getUser", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/users/{userId}", Tags: []string{tagUsers},
		Summary: "Benutzer lesen",
	}, Access{Obj: authz.ObjUser, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *memberPathInput) (*memberOutput, error) {
		m, err := c.store.GetMember(ctx, in.TenantID, in.UserID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &memberOutput{Body: m}, nil
	})
	Register(api, huma.Operation{
		OperationID: "updateUser", Method: http.MethodPatch, Path: "/v1/tenants/{tenantId}/users/{userId}", Tags: []string{tagUsers},
		Summary: "Rolle ändern, Konto (de)aktivieren",
		Errors:  []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, Access{Obj: authz.ObjUser, Act: authz.Update, TenantParam: "tenantId"}, func(ctx context.Context, in *updateMemberInput) (*memberOutput, error) {
		p := authz.PrincipalFrom(ctx)
		m, err := c.store.GetMember(ctx, in.TenantID, in.UserID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		if in.UserID == p.UserID {
			return nil, huma.Error422UnprocessableEntity("Die eigene Rolle und das eigene Konto können Sie nicht selbst ändern.")
		}
		// Whoever changes a member must be able to grant both the old role
		// and the new one: a municipal admin cannot demote the ministry.
		if err := c.checkGrant(ctx, in.TenantID, m.Role); err != nil {
			return nil, err
		}
		if in.Body.Role != nil {
			if err := c.checkGrant(ctx, in.TenantID, *in.Body.Role); err != nil {
				return nil, err
			}
			if err := c.store.SetRole(ctx, in.TenantID, in.UserID, *in.Body.Role); err != nil {
				return nil, Problem(ctx, c.logger, err)
			}
		}
		if in.Body.Active != nil {
			// An account is global; only who administers every tenant the
			// person belongs to may switch it off.
			ms, err := c.store.Memberships(ctx, in.UserID)
			if err != nil {
				return nil, Problem(ctx, c.logger, err)
			}
			for _, other := range ms {
				if !c.authz.Allowed(p, other.TenantID, authz.ObjUser, authz.Update) {
					return nil, huma.Error403Forbidden("Die Person gehört auch zu einer Körperschaft außerhalb Ihres Bereichs; entfernen Sie sie stattdessen aus Ihrer Körperschaft.")
				}
			}
			decision := tokenDecision(in.Body.RevokeTokens)
			if *in.Body.Active {
				decision = tenant.TokensKeep // activation orphans nothing
			}
			_, err = c.store.Depart(ctx, in.UserID, decision, c.mayRevokeTokens(ctx), func(ctx context.Context) error {
				return c.store.SetUserActive(ctx, in.TenantID, in.UserID, *in.Body.Active)
			})
			if err != nil {
				return nil, c.departProblem(ctx, err)
			}
		}
		if m, err = c.store.GetMember(ctx, in.TenantID, in.UserID); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &memberOutput{Body: m}, nil
	})
	Register(api, huma.Operation{
		OperationID: "removeUser", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/users/{userId}", Tags: []string{tagUsers},
		Summary: "Benutzer aus der Körperschaft entfernen", DefaultStatus: http.StatusNoContent,
		Description: "Beendet die Mitgliedschaft. Hat die Person API-Token erzeugt, die damit ohne Berechtigung der erzeugenden Person " +
			"weiterliefen, entscheidet revokeTokens: true widerruft sie in derselben Transaktion, false lässt sie als verwaist stehen; " +
			"ohne Angabe antwortet die Anfrage 409 mit den Namen der Token und ändert nichts.",
		Errors: []int{http.StatusConflict},
	}, Access{Obj: authz.ObjUser, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *removeMemberInput) (*struct{}, error) {
		m, err := c.store.GetMember(ctx, in.TenantID, in.UserID)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		if err := c.checkGrant(ctx, in.TenantID, m.Role); err != nil {
			return nil, err
		}
		var decision *bool
		if in.RevokeTokens != "" {
			v := in.RevokeTokens == "true"
			decision = &v
		}
		_, err = c.store.Depart(ctx, in.UserID, tokenDecision(decision), c.mayRevokeTokens(ctx), func(ctx context.Context) error {
			return c.store.RemoveMember(ctx, in.TenantID, in.UserID)
		})
		if err != nil {
			return nil, c.departProblem(ctx, err)
		}
		return nil, nil
	})
}

// createOrInvite creates the account for a new address, or invites the
// account an address already has, without telling the caller which: a
// municipality administrator must not learn whether a person has an
// account elsewhere (and must not set that account's password). Both ways
// check the same fields first and spend the same password hash, so that
// neither the answer nor its timing differ. It returns the normalised
// address.
func (c *Core) createOrInvite(ctx context.Context, in *createUserInput) (string, error) {
	var fe tenant.FieldErrors
	email, err := tenant.NormalizeEmail(in.Body.Email)
	if err != nil {
		fe.Add("email", "%s", err.Error())
	}
	if strings.TrimSpace(in.Body.Name) == "" {
		fe.Add("name", "Bitte geben Sie den Namen an.")
	}
	if err := tenant.CheckPasswordStrength(in.Body.Password); err != nil {
		fe.Add("password", "%s", err.Error())
	}
	t, err := c.store.GetTenant(ctx, in.TenantID)
	if err != nil {
		return "", err
	}
	if !in.Body.Role.FitsKind(t.Kind) {
		fe.Add("role", "Die Rolle %s passt nicht zu einer Körperschaft der Art %s.", in.Body.Role.Label(), t.Kind.Label())
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	exists := func() (bool, error) {
		_, err := c.store.UserByEmail(ctx, email)
		if errors.Is(err, tenant.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	known, err := exists()
	if err != nil {
		return "", err
	}
	if !known {
		_, err := c.store.CreateUser(ctx, tenant.NewUserInput{Email: email, Name: in.Body.Name, Password: in.Body.Password,
			TenantID: in.TenantID, Role: in.Body.Role})
		if err == nil {
			return email, nil
		}
		// Another request may have created the account meanwhile; then
		// it is invited like any other.
		if known, _ = exists(); !known {
			return "", err
		}
	} else {
		c.store.Passwords().Hash(in.Body.Password) // the work a new account costs
	}
	if _, _, err := c.store.Invite(ctx, in.TenantID, email, in.Body.Role); err != nil {
		return "", err
	}
	return email, nil
}

// checkGrant answers 403 when the caller may not give role in the tenant.
func (c *Core) checkGrant(ctx context.Context, tenantID string, role tenant.Role) error {
	if !c.authz.CanGrant(authz.PrincipalFrom(ctx), tenantID, role) {
		return huma.Error403Forbidden("Die Rolle " + role.Label() + " dürfen Sie nicht vergeben.")
	}
	return nil
}
