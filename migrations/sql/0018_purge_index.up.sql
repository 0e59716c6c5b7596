-- The retention job looks for applications whose retention period ended
-- and whose data is still there. At the Land's volume most past ones are
-- purged already (deleted_at set) and sort first by delete_after: the
-- plain index on delete_after made every batch walk past them. This index
-- holds only the applications still to purge.
CREATE INDEX applications_purge_idx ON applications (delete_after) WHERE deleted_at IS NULL;
