ALTER TABLE applications DROP COLUMN lang;
