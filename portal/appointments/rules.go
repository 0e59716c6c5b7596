package appointments

import (
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// ObjAppointment is a slot calendar with its bookings. A Beratungsstelle's
// editors manage those of their organisation, a municipality's admins
// those of their body and below, its clerks see and cancel bookings; the
// ministry holds every right through its "*" rule.
const ObjAppointment = "appointment"

// Rules returns the permission rules appointments add at start
// (authz.SyncRules).
func Rules() []authz.Rule {
	return []authz.Rule{
		{Role: tenant.RoleCounsellingEditor, Obj: ObjAppointment, Act: "*"},
		{Role: tenant.RoleMunicipalityAdmin, Obj: ObjAppointment, Act: "*"},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjAppointment, Act: authz.Read},
		{Role: tenant.RoleMunicipalityClerk, Obj: ObjAppointment, Act: authz.Update},
	}
}
