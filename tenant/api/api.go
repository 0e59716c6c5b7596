package api

import (
	"log/slog"

	"github.com/danielgtaylor/huma/v2"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
)

// Deps are what the core operations work with.
type Deps struct {
	Store  *tenant.Store
	Authz  *authz.Authorizer
	Auth   *authz.Authenticator
	Outbox *mail.Outbox
	Jobs   *jobs.Registry
	Logger *slog.Logger
}

// Core serves the platform core's operations.
type Core struct {
	store  *tenant.Store
	authz  *authz.Authorizer
	auth   *authz.Authenticator
	outbox *mail.Outbox
	jobs   *jobs.Registry
	logger *slog.Logger
}

// NewCore returns the core operations.
func NewCore(d Deps) *Core {
	return &Core{store: d.Store, authz: d.Authz, auth: d.Auth, outbox: d.Outbox, jobs: d.Jobs, logger: d.Logger}
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
	c.registerMails(api)
	c.registerJobs(api)
}

// Tags lists the core's tags in the order the documentation shows them;
// other domains append theirs.
var Tags = []*huma.Tag{
	{Name: tagSession, Description: "Anmelden per Sitzungs-Cookie, Passwort vergessen, eigenes Konto."},
	{Name: tagTenants, Description: "Land, Landkreise, kreisfreie Städte, Gemeinden, Landesbehörden und Organisationen."},
	{Name: tagUsers, Description: "Mitglieder einer Körperschaft mit ihren Rollen, Einladungen per E-Mail."},
	{Name: tagTokens, Description: "Token für Fachverfahren und Skripte; gezeigt nur einmal, gespeichert als Hash."},
	{Name: tagAudit, Description: "Das nur anhängbare Änderungsprotokoll."},
	{Name: tagOps, Description: "Postausgang und geplante Aufgaben."},
}

// Tags group the operations in the documentation.
const (
	tagSession = "Anmeldung"
	tagTenants = "Körperschaften"
	tagUsers   = "Benutzer und Einladungen"
	tagTokens  = "API-Token"
	tagAudit   = "Protokoll"
	tagOps     = "Betrieb"
)
