-- only: sqlite
DROP TRIGGER tenants_changed_insert;
--split
-- only: sqlite
DROP TRIGGER tenants_changed_update;
--split
-- only: sqlite
DROP TRIGGER tenants_changed_delete;
--split
-- only: postgres
DROP TRIGGER tenants_changed ON tenants;
--split
-- only: postgres
DROP TRIGGER tenants_truncated ON tenants;
--split
-- only: postgres
DROP FUNCTION bump_change_counter();
--split
DROP TABLE change_counters;
