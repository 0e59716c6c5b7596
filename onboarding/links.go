package onboarding

import "sozialplattform/tenant"

// Links are the console pages that onboarding's mails and calendar
// entries point to. The console serves them and provides the links
// (admin.OnboardingLinks).
type Links struct {
	Cases         tenant.Link // a municipality's onboarding cases: tenant ID
	Case          tenant.Link // one onboarding case: case ID
	Rollout       tenant.Link // the ministry's rollout dashboard
	Consultations tenant.Link // the Sprechstunden and their registration
	// FailedDeliveries lists a municipality's failed and rejected
	// deliveries: tenant ID.
	FailedDeliveries tenant.Link
}
