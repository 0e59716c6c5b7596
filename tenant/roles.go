package tenant

import "slices"

// Role is what a member may do in a tenant and, by inheritance, in every
// tenant below it.
type Role string

// The staff roles. Citizens have accounts of their own (portal) and no role
// here.
const (
	RoleMinistryAdmin     Role = "ministry-admin"
	RoleMunicipalityAdmin Role = "municipality-admin"
	RoleMunicipalityClerk Role = "municipality-clerk"
	RoleCounsellingEditor Role = "counselling-editor"
	// RoleMinistryReader reads the rollout across the Land – orders,
	// onboarding cases, Umsetzungsstand, counts of applications and
	// deliveries – and changes nothing: for the ministry's reporting
	// scripts and for staff who follow the rollout. It reads no personal
	// data: no applications, mails, audit log or accounts.
	RoleMinistryReader Role = "ministry-reader"
)

// Roles lists every role, the most powerful first.
var Roles = []Role{RoleMinistryAdmin, RoleMunicipalityAdmin, RoleMunicipalityClerk, RoleCounsellingEditor, RoleMinistryReader}

// Label is the German name of a role.
func (r Role) Label() string {
	switch r {
	case RoleMinistryAdmin:
		return "Ministerium: Administration"
	case RoleMunicipalityAdmin:
		return "Kommune: Administration"
	case RoleMunicipalityClerk:
		return "Kommune: Sachbearbeitung"
	case RoleCounsellingEditor:
		return "Beratungsstelle: Redaktion"
	case RoleMinistryReader:
		return "Ministerium: Auswertung (nur lesen)"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// FitsKind reports whether the role can be held in a tenant of kind k: the
// ministry works on the Land, municipalities on their bodies, counselling
// editors on their organisation.
func (r Role) FitsKind(k Kind) bool {
	switch r {
	case RoleMinistryAdmin, RoleMinistryReader:
		return k == KindLand
	case RoleMunicipalityAdmin, RoleMunicipalityClerk:
		return k == KindLandkreis || k == KindKreisfreieStadt || k == KindGemeinde || k == KindLandesbehoerde
	case RoleCounsellingEditor:
		return k == KindOrganisation
	}
	return false
}

// CanGrant reports whether a holder of r may give role other to someone:
// a ministry admin any role, a municipality admin the municipal and
// counselling roles, nobody else any.
func (r Role) CanGrant(other Role) bool {
	switch r {
	case RoleMinistryAdmin:
		return other.Valid()
	case RoleMunicipalityAdmin:
		return other == RoleMunicipalityAdmin || other == RoleMunicipalityClerk || other == RoleCounsellingEditor
	}
	return false
}
