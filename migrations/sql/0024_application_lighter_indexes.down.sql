CREATE INDEX applications_tenant_idx ON applications (tenant_id, submitted_at);
--split
CREATE INDEX applications_delete_idx ON applications (delete_after);
