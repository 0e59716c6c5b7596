-- Two kinds of Sprechstunde: the numbered OZG-Sprechstunde of the ministry
-- with a topic per date ('ozg'), and the fortnightly Anbindungs-Sprechstunde
-- the rule makes, without numbers ('anbindung'). Dates entered by hand were
-- the numbered ones; dates the rule made lose their running number.
ALTER TABLE onboarding_consultations ADD COLUMN kind TEXT NOT NULL DEFAULT 'anbindung';
--split
UPDATE onboarding_consultations SET kind = 'ozg' WHERE generated = FALSE AND number > 0;
--split
UPDATE onboarding_consultations SET number = 0 WHERE kind = 'anbindung';
--split
CREATE INDEX onboarding_consultations_kind_idx ON onboarding_consultations (kind, starts_at);
