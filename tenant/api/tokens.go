package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
)

type createTokenInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	Body     struct {
		Name      string      `json:"name" minLength:"1" maxLength:"200" doc:"Wofür das Token ist, z. B. Fachverfahren Open/Prosoz"`
		Role      tenant.Role `json:"role" enum:"ministry-admin,municipality-admin,municipality-clerk,counselling-editor"`
		ExpiresAt *time.Time  `json:"expiresAt,omitempty" doc:"Ablauf; ohne Angabe gilt es bis zum Widerruf"`
	}
}

type createdToken struct {
	tenant.APIToken
	Secret string `json:"secret" doc:"Das Token. Es wird nur dieses eine Mal gezeigt."`
}

type createTokenOutput struct{ Body createdToken }

type listTokensInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	PageQuery
}

type listTokensOutput struct {
	PageHeaders
	Body struct {
		Items []tenant.APIToken `json:"items"`
		PageBody
	}
}

type tokenPathInput struct {
	TenantID string `path:"tenantId" maxLength:"64"`
	TokenID  string `path:"tokenId" maxLength:"64"`
}

func (c *Core) registerTokens(api huma.API) {
	Register(api, huma.Operation{
		OperationID: "listTokens", Method: http.MethodGet, Path: "/v1/tenants/{tenantId}/tokens", Tags: []string{tagTokens},
		Summary: "API-Token einer Körperschaft", Description: "Neueste zuerst.",
	}, Access{Obj: authz.ObjAPIToken, Act: authz.Read, TenantParam: "tenantId"}, func(ctx context.Context, in *listTokensInput) (*listTokensOutput, error) {
		p, err := PageOf[keyset.TimeKey](in.PageQuery, "tokens")
		if err != nil {
			return nil, err
		}
		rows, err := c.store.ListAPITokensPage(ctx, in.TenantID, p)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out := &listTokensOutput{}
		var pg Page
		if out.Body.Items, pg, err = NextPage(ctx, "tokens", rows, p, tenant.APITokenKey); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		out.PageHeaders, out.Body.PageBody = pg.Headers, pg.Body
		return out, nil
	})
	Register(api, huma.Operation{
		OperationID: "createToken", Method: http.MethodPost, Path: "/v1/tenants/{tenantId}/tokens", Tags: []string{tagTokens},
		Summary:       "API-Token erzeugen",
		Description:   "Erzeugt ein Token für Maschinen (Fachverfahren, Skripte) mit einer Rolle in dieser Körperschaft. Das Token steht nur in dieser Antwort; gespeichert wird ein Hash.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, Access{Obj: authz.ObjAPIToken, Act: authz.Create, TenantParam: "tenantId"}, func(ctx context.Context, in *createTokenInput) (*createTokenOutput, error) {
		if err := c.checkGrant(ctx, in.TenantID, in.Body.Role); err != nil {
			return nil, err
		}
		tok, secret, err := c.store.CreateAPIToken(ctx, in.TenantID, in.Body.Name, in.Body.Role, in.Body.ExpiresAt)
		if err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return &createTokenOutput{Body: createdToken{APIToken: *tok, Secret: secret}}, nil
	})
	Register(api, huma.Operation{
		OperationID: "revokeToken", Method: http.MethodDelete, Path: "/v1/tenants/{tenantId}/tokens/{tokenId}", Tags: []string{tagTokens},
		Summary: "API-Token widerrufen", DefaultStatus: http.StatusNoContent,
	}, Access{Obj: authz.ObjAPIToken, Act: authz.Delete, TenantParam: "tenantId"}, func(ctx context.Context, in *tokenPathInput) (*struct{}, error) {
		if err := c.store.RevokeAPIToken(ctx, in.TenantID, in.TokenID); err != nil {
			return nil, Problem(ctx, c.logger, err)
		}
		return nil, nil
	})
}
