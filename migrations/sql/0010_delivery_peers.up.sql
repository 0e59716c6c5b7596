-- Delivery that real peers accept (issue 15).
-- The FIT-Connect service identifier (LeiKa key,
-- urn:de:fim:leika:leistung:<14 digits>) of each Antragsstrecke is kept by
-- the ministry in the catalogue; no value is filled in here, because none is
-- known from a citable source. fitconnect_service_demo marks an identifier
-- that only the demo data set (never a real destination lists it).
ALTER TABLE onboarding_antragsstrecken ADD COLUMN fitconnect_service TEXT NOT NULL DEFAULT '';
--split
ALTER TABLE onboarding_antragsstrecken ADD COLUMN fitconnect_service_demo {{bool}} NOT NULL DEFAULT FALSE;
--split
-- The clerks of variant 2 get a digest of new mailbox items: digest_at is
-- when an item went out in one.
ALTER TABLE mailbox_messages ADD COLUMN digest_at {{time}};
--split
-- Failed deliveries per tenant are a console work queue.
CREATE INDEX deliveries_tenant_status_idx ON deliveries (tenant_id, status);
