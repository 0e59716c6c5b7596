-- Checklists backed by facts, done once per municipality, and the last
-- connection test at the case (issue 16).
--
-- scope: 'case' items are done per Antragsstrecke; 'tenant' items
-- (contract, contacts, Sprechstunde) are done once per municipality and
-- hold the same state in all of its cases.
-- fact: '' for items people tick; otherwise the fact the system checks
-- (key-valid, destination-active, dvdv-entry, dvdv-certificate,
-- mailbox-users, test-received, consultation-attended): such items are set
-- by the system and cannot be ticked by hand.
ALTER TABLE onboarding_checklist_templates ADD COLUMN scope TEXT NOT NULL DEFAULT 'case';
--split
ALTER TABLE onboarding_checklist_templates ADD COLUMN fact TEXT NOT NULL DEFAULT '';
--split
UPDATE onboarding_checklist_templates SET scope = 'tenant' WHERE id IN ('alle-vertrag', 'alle-ansprechpersonen', 'alle-sprechstunde');
--split
UPDATE onboarding_checklist_templates SET fact = 'consultation-attended' WHERE id = 'alle-sprechstunde';
--split
UPDATE onboarding_checklist_templates SET fact = 'dvdv-entry' WHERE id IN ('v1-dvdv', 'v1-intermediaer');
--split
UPDATE onboarding_checklist_templates SET fact = 'dvdv-certificate' WHERE id = 'v1-osci-zertifikat';
--split
UPDATE onboarding_checklist_templates SET fact = 'mailbox-users' WHERE id = 'v2-postfach';
--split
UPDATE onboarding_checklist_templates SET fact = 'destination-active' WHERE id = 'v3-zustellpunkt';
--split
UPDATE onboarding_checklist_templates SET fact = 'key-valid' WHERE id = 'v3-zertifikat';
--split
UPDATE onboarding_checklist_templates SET fact = 'test-received' WHERE id = 'alle-testantrag';
--split
-- The newest connection test of the case, whatever its outcome: the
-- ministry confirms a go-live over a failed or missing test only with an
-- explicit acknowledgement.
ALTER TABLE onboarding_cases ADD COLUMN last_test_id TEXT NOT NULL DEFAULT '';
--split
ALTER TABLE onboarding_cases ADD COLUMN last_test_at {{time}};
--split
ALTER TABLE onboarding_cases ADD COLUMN last_test_status TEXT NOT NULL DEFAULT '';
--split
ALTER TABLE onboarding_cases ADD COLUMN last_test_ok {{bool}} NOT NULL DEFAULT FALSE;
--split
ALTER TABLE onboarding_cases ADD COLUMN last_test_detail TEXT NOT NULL DEFAULT '';
