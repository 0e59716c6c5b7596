DROP INDEX deliveries_tenant_status_idx;
--split
ALTER TABLE mailbox_messages DROP COLUMN digest_at;
--split
ALTER TABLE onboarding_antragsstrecken DROP COLUMN fitconnect_service_demo;
--split
ALTER TABLE onboarding_antragsstrecken DROP COLUMN fitconnect_service;
