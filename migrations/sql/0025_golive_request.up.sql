-- When the ministry was asked to confirm a case's go-live (issue 16): the
-- connection tests waited for nothing but the missing test application.
-- Set once, so that the request mail goes out once per case.
ALTER TABLE onboarding_cases ADD COLUMN golive_requested_at {{time}};
