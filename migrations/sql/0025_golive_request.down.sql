ALTER TABLE onboarding_cases DROP COLUMN golive_requested_at;
