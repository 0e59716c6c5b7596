DROP INDEX deliveries_created_idx;
--split
DROP TABLE onboarding_support_contacts;
