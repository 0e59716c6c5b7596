DROP INDEX deliveries_follow_idx;
--split
CREATE INDEX deliveries_follow_idx ON deliveries (status, follow_at);
--split
DROP INDEX deliveries_ref_idx;
--split
CREATE INDEX deliveries_ref_idx ON deliveries (transport_ref);
--split
DROP INDEX deliveries_case_idx;
--split
CREATE INDEX deliveries_case_idx ON deliveries (case_id, created_at);
--split
CREATE INDEX deliveries_health_idx ON deliveries (created_at, purpose, tenant_id, antragsstrecke, status);
--split
CREATE INDEX deliveries_failed_idx ON deliveries (status, purpose, tenant_id);
--split
DROP INDEX deliveries_rollout_idx;
