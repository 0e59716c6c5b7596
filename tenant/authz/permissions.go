package authz

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// Actions on objects.
const (
	Read   = "read"
	Create = "create"
	Update = "update"
	Delete = "delete"
)

// Objects of the platform core; other domains add their own names.
const (
	ObjTenant     = "tenant"
	ObjUser       = "user"
	ObjInvitation = "invitation"
	ObjAPIToken   = "api-token"
	ObjAudit      = "audit"
	ObjMail       = "mail"
	ObjJob        = "job"
)

// Rule is one permission: a role may do act on obj in every tenant where it
// holds (and below).
type Rule struct {
	Role tenant.Role
	Obj  string
	Act  string
}

// DefaultRules is the built-in permission table. The ministry may do
// everything within its Land; municipal admins run their own body; clerks
// and counselling editors read their tenant and get their domain rights from
// the domains that need them.
var DefaultRules = []Rule{
	{tenant.RoleMinistryAdmin, "*", "*"},

	{tenant.RoleMunicipalityAdmin, ObjTenant, Read},
	{tenant.RoleMunicipalityAdmin, ObjTenant, Update},
	{tenant.RoleMunicipalityAdmin, ObjUser, "*"},
	{tenant.RoleMunicipalityAdmin, ObjInvitation, "*"},
	{tenant.RoleMunicipalityAdmin, ObjAPIToken, "*"},
	{tenant.RoleMunicipalityAdmin, ObjAudit, Read},
	{tenant.RoleMunicipalityAdmin, ObjMail, Read},

	{tenant.RoleMunicipalityClerk, ObjTenant, Read},
	{tenant.RoleCounsellingEditor, ObjTenant, Read},

	// The ministry's readers see the bodies; the domains add what else
	// they read. Accounts, invitations, tokens, the audit log and the mail
	// outbox hold personal data and stay closed to them.
	{tenant.RoleMinistryReader, ObjTenant, Read},
}

// SyncRules makes sure every given rule is stored (other domains pass
// theirs at start); rules already present are left alone, so a rule an
// operator added stays.
//
// The rules go in one statement: one commit at start instead of one per
// rule (a test app starts some fifty times per run).
func SyncRules(ctx context.Context, db bun.IDB, rules []Rule) error {
	if len(rules) > 0 {
		rows := make([]ruleRow, len(rules))
		for i, r := range rules {
			rows[i] = ruleRow{Ptype: "p", V0: rolePrefix + string(r.Role), V1: "*", V2: r.Obj, V3: r.Act}
		}
		if _, err := db.NewInsert().Model(&rows).On("CONFLICT (ptype, v0, v1, v2, v3, v4, v5) DO NOTHING").
			Returning("NULL").Exec(ctx); err != nil {
			return fmt.Errorf("store %d permissions (%v …): %w", len(rules), rules[0], err)
		}
	}
	return bumpRevision(ctx, db)
}
