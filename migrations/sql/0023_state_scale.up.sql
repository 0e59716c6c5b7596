-- The counselling search answers from an in-memory index of the published
-- entries (portal/counselling/searchindex.go) that every instance keeps
-- while this counter and the tenants' one (0022, for the organisations'
-- active flag) stand still. As in 0022 the database bumps it by trigger,
-- so that no write path – editor, review, CSV import, demo data, a
-- hand-written statement – can leave an instance searching stale entries.
INSERT INTO change_counters (name, n) VALUES ('counselling', 1);
--split
-- only: sqlite
CREATE TRIGGER counselling_centres_changed_insert AFTER INSERT ON counselling_centres
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_centres_changed_update AFTER UPDATE ON counselling_centres
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_centres_changed_delete AFTER DELETE ON counselling_centres
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_tags_changed_insert AFTER INSERT ON counselling_tags
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_tags_changed_update AFTER UPDATE ON counselling_tags
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_tags_changed_delete AFTER DELETE ON counselling_tags
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_places_changed_insert AFTER INSERT ON counselling_places
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_places_changed_update AFTER UPDATE ON counselling_places
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: sqlite
CREATE TRIGGER counselling_places_changed_delete AFTER DELETE ON counselling_places
BEGIN
	UPDATE change_counters SET n = n + 1 WHERE name = 'counselling';
END;
--split
-- only: postgres
-- Deferred to the commit like tenants_changed (0022), so that the counter
-- row is locked only while the writing transaction commits.
CREATE CONSTRAINT TRIGGER counselling_centres_changed AFTER INSERT OR UPDATE OR DELETE ON counselling_centres
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_counter('counselling');
--split
-- only: postgres
CREATE CONSTRAINT TRIGGER counselling_tags_changed AFTER INSERT OR UPDATE OR DELETE ON counselling_tags
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_counter('counselling');
--split
-- only: postgres
CREATE CONSTRAINT TRIGGER counselling_places_changed AFTER INSERT OR UPDATE OR DELETE ON counselling_places
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_counter('counselling');
--split
-- only: postgres
CREATE TRIGGER counselling_centres_truncated AFTER TRUNCATE ON counselling_centres
	FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('counselling');
--split
-- only: postgres
CREATE TRIGGER counselling_tags_truncated AFTER TRUNCATE ON counselling_tags
	FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('counselling');
--split
-- only: postgres
CREATE TRIGGER counselling_places_truncated AFTER TRUNCATE ON counselling_places
	FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter('counselling');
--split
-- The rollout dashboard and the ministry's work list count the failed
-- deliveries per tenant on every call; at the Land's size (300,000
-- deliveries) this index answers it without reading a row.
CREATE INDEX deliveries_failed_idx ON deliveries (status, purpose, tenant_id);
--split
-- The console lists the centres by name a hundred at a time (keyset on
-- LOWER(name), id): with this index the page is read in order instead of
-- joining and sorting all 2,000 centres of the Land first.
CREATE INDEX counselling_centres_name_idx ON counselling_centres (LOWER(name), id);
