-- The retention job looks for applications whose retention period ended
-- and whose data is still there. At the Land's volume most past ones are
-- purged already (deleted_at set) and sort first by delete_after: the
-- plain index on delete_after made every batch walk past them. This index
-- holds only the applications still to purge.
CREATE INDEX applications_purge_idx ON applications (delete_after) WHERE deleted_at IS NULL;

-- A municipality's list of applications picks its page among the IDs
-- alone (portal/forms.Store.List), and its counts per status and
-- Antragsstrecke (Stats) need no more: with tenant, time, ID, status and
-- Antragsstrecke in one index neither reads the rows (sealed answers
-- included) of a Kreis's tens of thousands of applications.
CREATE INDEX applications_tenant_list_idx ON applications (tenant_id, submitted_at, id, status, antragsstrecke);
