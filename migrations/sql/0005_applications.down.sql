DROP TABLE application_settings;
--split
DROP TABLE application_status_log;
--split
DROP TABLE application_documents;
--split
DROP TABLE applications;
--split
DROP TABLE application_reference_counters;
--split
DROP TABLE draft_uploads;
--split
DROP TABLE application_drafts;
--split
DROP TABLE saml_requests;
--split
DROP TABLE citizen_tokens;
--split
DROP TABLE citizens;
