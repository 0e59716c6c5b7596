DROP TABLE onboarding_delegations;
--split
ALTER TABLE onboarding_antragsstrecken DROP COLUMN responsible_level;
