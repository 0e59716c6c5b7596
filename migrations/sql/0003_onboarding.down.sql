DROP TABLE onboarding_consultation_attendance;
--split
DROP TABLE onboarding_consultations;
--split
DROP TABLE onboarding_consultation_rule;
--split
DROP TABLE onboarding_attachments;
--split
DROP TABLE onboarding_case_items;
--split
DROP TABLE onboarding_cases;
--split
DROP TABLE onboarding_checklist_templates;
--split
DROP TABLE onboarding_fachverfahren;
--split
DROP TABLE onboarding_antragsstrecken;
--split
DROP TABLE onboarding_services;
