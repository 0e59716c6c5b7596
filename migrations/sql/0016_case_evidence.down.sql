ALTER TABLE onboarding_cases DROP COLUMN last_test_detail;
--split
ALTER TABLE onboarding_cases DROP COLUMN last_test_ok;
--split
ALTER TABLE onboarding_cases DROP COLUMN last_test_status;
--split
ALTER TABLE onboarding_cases DROP COLUMN last_test_at;
--split
ALTER TABLE onboarding_cases DROP COLUMN last_test_id;
--split
ALTER TABLE onboarding_checklist_templates DROP COLUMN fact;
--split
ALTER TABLE onboarding_checklist_templates DROP COLUMN scope;
