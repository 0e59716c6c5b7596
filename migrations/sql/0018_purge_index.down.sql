DROP INDEX applications_purge_idx;
