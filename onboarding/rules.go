package onboarding

import (
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// The access-control objects of onboarding. The ministry holds every right
// through its "*" rule; the rules below give the municipalities theirs.
const (
	// ObjCase is an onboarding case with its checklist and attachments.
	ObjCase = "onboarding-case"
	// ObjGoLive is the ministry's confirmation that a case may go live
	// while no successful test delivery is recorded.
	ObjGoLive = "onboarding-go-live"
	// ObjFachverfahren is the Fachverfahren matrix.
	ObjFachverfahren = "fachverfahren"
	// ObjChecklistTemplate is a checklist template.
	ObjChecklistTemplate = "checklist-template"
	// ObjConsultation is a Sprechstunde and the recurrence rule.
	ObjConsultation = "consultation"
	// ObjAttendance is a municipality's registration for a Sprechstunde.
	ObjAttendance = "consultation-attendance"
	// ObjRollout is the ministry's rollout report ("Umsetzungsstand"):
	// with drill-downs to the cases, exports, failed deliveries and missing
	// DVDV entries.
	ObjRollout = "rollout"
	// ObjRolloutOverview is the statewide Umsetzungsstand as every
	// municipality sees it (the seed shows it to all of them, so that
	// peers learn from each other): names of the Kommunen, services,
	// phases and counts, read-only, without the cases behind them.
	ObjRolloutOverview = "rollout-overview"
	// ObjResponsibility is which Antragsstrecken a Landkreis has delegated
	// to its Gemeinden.
	ObjResponsibility = "onboarding-responsibility"
)

// Rules returns the permission rules onboarding adds at start
// (authz.SyncRules). Municipal admins run their cases and register for
// Sprechstunden; clerks read the cases and may register too; the matrix,
// templates, Sprechstunden and support contacts are read by both and maintained by the
// ministry; the rollout report and the go-live confirmation are the
// ministry's alone, while both municipal roles read the statewide overview
// of it (ObjRolloutOverview). A Landkreis' administration records which
// Antragsstrecken it has delegated to its Gemeinden (the ministry may too).
func Rules() []authz.Rule {
	admin, clerk, reader := tenant.RoleMunicipalityAdmin, tenant.RoleMunicipalityClerk, tenant.RoleMinistryReader
	return []authz.Rule{
		{Role: admin, Obj: ObjCase, Act: authz.Read},
		{Role: admin, Obj: ObjCase, Act: authz.Update},
		{Role: clerk, Obj: ObjCase, Act: authz.Read},

		{Role: admin, Obj: ObjFachverfahren, Act: authz.Read},
		{Role: clerk, Obj: ObjFachverfahren, Act: authz.Read},
		{Role: admin, Obj: ObjChecklistTemplate, Act: authz.Read},
		{Role: clerk, Obj: ObjChecklistTemplate, Act: authz.Read},
		{Role: admin, Obj: ObjConsultation, Act: authz.Read},
		{Role: clerk, Obj: ObjConsultation, Act: authz.Read},

		{Role: admin, Obj: ObjSupportContact, Act: authz.Read},
		{Role: clerk, Obj: ObjSupportContact, Act: authz.Read},

		{Role: admin, Obj: ObjAttendance, Act: "*"},
		{Role: clerk, Obj: ObjAttendance, Act: "*"},

		{Role: admin, Obj: ObjRolloutOverview, Act: authz.Read},
		{Role: clerk, Obj: ObjRolloutOverview, Act: authz.Read},

		{Role: admin, Obj: ObjResponsibility, Act: authz.Read},
		{Role: admin, Obj: ObjResponsibility, Act: authz.Update},
		{Role: clerk, Obj: ObjResponsibility, Act: authz.Read},

		// The ministry's readers follow the rollout: every case and the
		// data around it, read only.
		{Role: reader, Obj: ObjCase, Act: authz.Read},
		{Role: reader, Obj: ObjFachverfahren, Act: authz.Read},
		{Role: reader, Obj: ObjChecklistTemplate, Act: authz.Read},
		{Role: reader, Obj: ObjConsultation, Act: authz.Read},
		{Role: reader, Obj: ObjSupportContact, Act: authz.Read},
		{Role: reader, Obj: ObjRollout, Act: authz.Read},
		{Role: reader, Obj: ObjRolloutOverview, Act: authz.Read},
		{Role: reader, Obj: ObjResponsibility, Act: authz.Read},
	}
}
