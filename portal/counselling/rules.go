package counselling

import (
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// The access-control objects of the directory. The ministry holds every
// right through its "*" rule.
const (
	// ObjCentre is a Beratungsstelle's entry: its editors read and update
	// it in their organisation; a municipality reads, creates (with the
	// organisation tenant) and updates those below it, imports and exports
	// them.
	ObjCentre = "counselling-centre"
	// ObjReview is the Landesredaktion's decision on a waiting version and
	// its list of outdated entries.
	ObjReview = "counselling-review"
	// ObjTopic is the topic taxonomy (the ministry extends it).
	ObjTopic = "counselling-topic"
	// ObjSettings are the directory's switches (review on or off).
	ObjSettings = "counselling-settings"
)

// Rules returns the permission rules the directory adds at start
// (authz.SyncRules).
func Rules() []authz.Rule {
	editor, admin, clerk := tenant.RoleCounsellingEditor, tenant.RoleMunicipalityAdmin, tenant.RoleMunicipalityClerk
	return []authz.Rule{
		{Role: editor, Obj: ObjCentre, Act: authz.Read},
		{Role: editor, Obj: ObjCentre, Act: authz.Update},
		{Role: admin, Obj: ObjCentre, Act: authz.Read},
		{Role: admin, Obj: ObjCentre, Act: authz.Create},
		{Role: admin, Obj: ObjCentre, Act: authz.Update},
		{Role: clerk, Obj: ObjCentre, Act: authz.Read},
		{Role: editor, Obj: ObjSettings, Act: authz.Read},
		{Role: admin, Obj: ObjSettings, Act: authz.Read},
		{Role: clerk, Obj: ObjSettings, Act: authz.Read},
	}
}
