package api

import (
	"log/slog"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// Core serves the platform core's operations.
type Core struct {
	store  *tenant.Store
	authz  *authz.Authorizer
	auth   *authz.Authenticator
	logger *slog.Logger
}

// NewCore returns the core operations.
func NewCore(store *tenant.Store, az *authz.Authorizer, auth *authz.Authenticator, logger *slog.Logger) *Core {
	return &Core{store: store, authz: az, auth: auth, logger: logger}
}

// Register adds the core operations to api.
func (c *Core) Register(api huma.API) {
	c.registerSession(api)
	c.registerTenants(api)
	c.registerUsers(api)
	c.registerInvitations(api)
	c.registerPasswords(api)
	c.registerTokens(api)
	c.registerAudit(api)
}

// Tags group the operations in the documentation.
const (
	tagSession = "Anmeldung"
	tagTenants = "Körperschaften"
	tagUsers   = "Benutzer und Einladungen"
	tagTokens  = "API-Token"
	tagAudit   = "Protokoll"
)
