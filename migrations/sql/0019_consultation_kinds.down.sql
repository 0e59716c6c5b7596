DROP INDEX onboarding_consultations_kind_idx;
--split
ALTER TABLE onboarding_consultations DROP COLUMN kind;
