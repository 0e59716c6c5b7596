package counselling

import "sozialplattform/tenant"

// Links are the console pages the directory's mails point to. The console
// serves them and provides the links (admin.CounsellingLinks).
type Links struct {
	Centre  tenant.Link // one centre's page: its ID
	Reviews tenant.Link // the Landesredaktion's review list
}
