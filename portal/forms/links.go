package forms

import "sozialplattform/tenant"

// Links are the citizen's pages the application mails point to, on the
// portal site of the municipality the application goes to. The portal
// serves them and provides the links (www.FormsLinks).
type Links struct {
	Account     tenant.Link // the Servicekonto's overview: site slug
	Application tenant.Link // one submitted application: site slug, application ID
	Draft       tenant.Link // resume a draft: site slug, Antragsstrecke, draft ID
}
