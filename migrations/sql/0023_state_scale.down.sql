DROP INDEX counselling_centres_name_idx;
--split
DROP INDEX deliveries_failed_idx;
--split
-- only: sqlite
DROP TRIGGER counselling_centres_changed_insert;
--split
-- only: sqlite
DROP TRIGGER counselling_centres_changed_update;
--split
-- only: sqlite
DROP TRIGGER counselling_centres_changed_delete;
--split
-- only: sqlite
DROP TRIGGER counselling_tags_changed_insert;
--split
-- only: sqlite
DROP TRIGGER counselling_tags_changed_update;
--split
-- only: sqlite
DROP TRIGGER counselling_tags_changed_delete;
--split
-- only: sqlite
DROP TRIGGER counselling_places_changed_insert;
--split
-- only: sqlite
DROP TRIGGER counselling_places_changed_update;
--split
-- only: sqlite
DROP TRIGGER counselling_places_changed_delete;
--split
-- only: postgres
DROP TRIGGER counselling_centres_changed ON counselling_centres;
--split
-- only: postgres
DROP TRIGGER counselling_tags_changed ON counselling_tags;
--split
-- only: postgres
DROP TRIGGER counselling_places_changed ON counselling_places;
--split
-- only: postgres
DROP TRIGGER counselling_centres_truncated ON counselling_centres;
--split
-- only: postgres
DROP TRIGGER counselling_tags_truncated ON counselling_tags;
--split
-- only: postgres
DROP TRIGGER counselling_places_truncated ON counselling_places;
--split
DELETE FROM change_counters WHERE name = 'counselling';
