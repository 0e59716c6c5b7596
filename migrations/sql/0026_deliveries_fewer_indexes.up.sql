-- Every submission inserts a delivery, and each of its indexes is written
-- with it (and again with every change of status). Two indexes served the
-- ministry's Umsetzungsstand: deliveries_failed_idx (status, purpose,
-- tenant_id) for the failed deliveries of all time and
-- deliveries_health_idx (created_at, purpose, tenant_id, antragsstrecke,
-- status) for the 7 days of delivery health. One index answers both, each
-- as a few ranges read without touching a row: the failed statuses over
-- all time, every status over the window (delivery.Service.Rollout,
-- Health, FailedCounts).
CREATE INDEX deliveries_rollout_idx ON deliveries (purpose, status, created_at, tenant_id, antragsstrecke);
--split
DROP INDEX deliveries_failed_idx;
--split
DROP INDEX deliveries_health_idx;
--split
-- Three more hold an entry for every delivery although only some have a
-- value there: the case of a connection test (applications have none),
-- the transport's reference (set at sending) and the time of the next
-- status check (set at sending). Partial, they are not written when a
-- submission inserts its delivery; the queries that use them name the
-- condition (SQLite uses a partial index only then).
DROP INDEX deliveries_case_idx;
--split
CREATE INDEX deliveries_case_idx ON deliveries (case_id, created_at) WHERE case_id <> '';
--split
DROP INDEX deliveries_ref_idx;
--split
CREATE INDEX deliveries_ref_idx ON deliveries (transport_ref) WHERE transport_ref <> '';
--split
DROP INDEX deliveries_follow_idx;
--split
CREATE INDEX deliveries_follow_idx ON deliveries (status, follow_at) WHERE follow_at IS NOT NULL;
