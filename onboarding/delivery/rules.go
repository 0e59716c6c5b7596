package delivery

import (
	"slices"

	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// ObjStatistics is the ministry's count of deliveries per municipality
// and variant.
const ObjStatistics = "delivery-statistics"

// ObjDVDV is the DVDV directory (the ministry's alone).
const ObjDVDV = dvdv.ObjEntry

// Rules returns the permissions delivery adds at start (authz.SyncRules):
// municipal admins see their deliveries, retry them and run connection
// tests; clerks read deliveries and tests; both work with the mailbox.
// The ministry holds everything through its "*" rule – except the
// contents of the mailbox, which MayOpenMailbox keeps to the
// municipality's own staff (Sozialgeheimnis, § 35 SGB I).
func Rules() []authz.Rule {
	admin, clerk := tenant.RoleMunicipalityAdmin, tenant.RoleMunicipalityClerk
	return []authz.Rule{
		{Role: admin, Obj: ObjDelivery, Act: authz.Read},
		{Role: admin, Obj: ObjDelivery, Act: authz.Update},
		{Role: clerk, Obj: ObjDelivery, Act: authz.Read},
		{Role: admin, Obj: ObjConnectionTest, Act: authz.Read},
		{Role: admin, Obj: ObjConnectionTest, Act: authz.Create},
		{Role: clerk, Obj: ObjConnectionTest, Act: authz.Read},
		{Role: admin, Obj: ObjMailbox, Act: authz.Read},
		{Role: admin, Obj: ObjMailbox, Act: authz.Update},
		{Role: clerk, Obj: ObjMailbox, Act: authz.Read},
		{Role: clerk, Obj: ObjMailbox, Act: authz.Update},
		// The ministry's readers count deliveries per municipality; the
		// deliveries themselves name applications and stay closed to them.
		{Role: tenant.RoleMinistryReader, Obj: ObjStatistics, Act: authz.Read},
	}
}

// MayOpenMailbox reports whether roles (those a principal holds in or
// above a tenant) include the municipality's own staff; the ministry's
// role alone does not open a mailbox.
func MayOpenMailbox(roles []tenant.Role) bool {
	return slices.Contains(roles, tenant.RoleMunicipalityClerk) || slices.Contains(roles, tenant.RoleMunicipalityAdmin)
}

// MailboxGuard builds the guard for mailbox access of p: the permission
// in the message's tenant and a municipal role there.
func MailboxGuard(az *authz.Authorizer, p authz.Principal, act string) Guard {
	return func(tenantID string) bool {
		return az.Allowed(p, tenantID, ObjMailbox, act) && MayOpenMailbox(az.Roles(p, tenantID))
	}
}

// PermissionGuard builds a guard for obj/act of p.
func PermissionGuard(az *authz.Authorizer, p authz.Principal, obj, act string) Guard {
	return func(tenantID string) bool { return az.Allowed(p, tenantID, obj, act) }
}
