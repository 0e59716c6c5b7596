package site

import (
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// ObjPortal is the permission object of a tenant's portal: settings,
// branding, offices, links and sign-language videos.
const ObjPortal = "portal"

// Rules are the portal's permissions, to be stored at start
// (authz.SyncRules): municipal administrators run their portal, clerks
// may read its settings. The ministry may do everything anyway; state-wide
// links are the Land tenant's links.
var Rules = []authz.Rule{
	{Role: tenant.RoleMunicipalityAdmin, Obj: ObjPortal, Act: "*"},
	{Role: tenant.RoleMunicipalityClerk, Obj: ObjPortal, Act: authz.Read},
}
