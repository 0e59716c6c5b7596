-- A change counter per table whose readers keep answers in memory (the
-- API's list of tenants): every instance reads the counter before it
-- answers and uses what it kept only while the counter is unchanged. The
-- database bumps it itself, by trigger, so no write path – API, console,
-- marketplace registration, onboarding, demo data, a later migration or a
-- hand-written statement – can forget to. The counter row changes in the
-- writing transaction and becomes visible with it: an instance that sees
-- the new count sees the new rows.
CREATE TABLE change_counters (
	name TEXT PRIMARY KEY,
	n BIGINT NOT NULL
);
--split
INSERT INTO change_counters (name, n) VALUES ('tenants', 1);
--split
-- only: sqlite
CREATE TRIGGER tenants_changed_insert AFTER INSERT ON tenants
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'tenants';
END;
--split
-- only: sqlite
CREATE TRIGGER tenants_changed_update AFTER UPDATE ON tenants
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'tenants';
END;
--split
-- only: sqlite
CREATE TRIGGER tenants_changed_delete AFTER DELETE ON tenants
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'tenants';
END;
--split
-- only: postgres
CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = TG_ARGV[0];
	RETURN NULL;
END
$$;
--split
-- only: postgres
-- On PostgreSQL the bump is deferred to the commit: the counter row is
-- then locked only while the transaction commits, after all its tenant
-- rows, so two transactions changing tenants cannot deadlock over it.
CREATE CONSTRAINT TRIGGER tenants_changed AFTER INSERT OR UPDATE OR DELETE ON tenants
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_counter('tenants');
--split
-- only: postgres
-- TRUNCATE has no row triggers; a statement trigger catches it.
CREATE TRIGGER tenants_truncated AFTER TRUNCATE ON tenants
	FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('tenants');
