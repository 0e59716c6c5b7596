-- Every submission inserts an application row and updates it (status,
-- submission time, sealed answers) in the same second; the update changes
-- indexed columns, so each index of the table is written twice per
-- submission. Two of them answer nothing the others do not:
-- applications_tenant_idx (tenant_id, submitted_at) is the prefix of
-- applications_tenant_list_idx, and the retention job, the only reader of
-- delete_after, uses the partial applications_purge_idx (0018).
DROP INDEX applications_tenant_idx;
--split
DROP INDEX applications_delete_idx;
