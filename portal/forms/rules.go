package forms

import (
	"slices"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// Objects of the applications in access rules.
const (
	ObjApplication         = "application"
	ObjApplicationStats    = "application-stats"
	ObjApplicationSettings = "application-settings"
)

// Rules are the applications' permissions, synced at start: a
// municipality's administration and clerks read their applications and the
// counts; the administration sets the retention periods. The ministry's
// "*" covers the objects, but personal data need a municipal role too (see
// MayReadPersonal): the ministry gets counts only.
func Rules() []authz.Rule {
	return []authz.Rule{
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjApplication, Act: authz.Read},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjApplicationStats, Act: authz.Read},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjApplicationSettings, Act: authz.Read},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjApplicationSettings, Act: authz.Update},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjApplication, Act: authz.Read},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjApplicationStats, Act: authz.Read},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjApplicationSettings, Act: authz.Read},
		// The ministry's readers count applications; their contents are
		// the municipalities' alone.
		{Role: tenant.RoleMinistryReader, Obj: ObjApplicationStats, Act: authz.Read},
	}
}

// MayReadPersonal reports whether a staff principal may see the personal
// data of the tenant's applications: the permission and a municipal role
// held in the tenant or above it (a Landkreis for its Gemeinden). The
// ministry's own role does not count.
func MayReadPersonal(az *authz.Authorizer, p authz.Principal, tenantID string) bool {
	if !az.Allowed(p, tenantID, ObjApplication, authz.Read) {
		return false
	}
	roles := az.Roles(p, tenantID)
	return slices.Contains(roles, tenant.RoleMunicipalityAdmin) || slices.Contains(roles, tenant.RoleMunicipalityClerk)
}
