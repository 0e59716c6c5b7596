DROP INDEX applications_tenant_list_idx;
DROP INDEX applications_purge_idx;
