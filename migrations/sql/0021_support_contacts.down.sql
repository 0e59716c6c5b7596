DROP INDEX deliveries_health_idx;
--split
DROP TABLE onboarding_support_contacts;
