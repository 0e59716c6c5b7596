-- Online applications (issue 6): citizen accounts (Servicekonto) with
-- single-use links and SAML requests, drafts with their uploads, submitted
-- applications with their documents and status history, per-year reference
-- counters and per-tenant retention settings. Answers and documents are
-- stored encrypted (envelope encryption: key_id names the key-encryption
-- key, dek is the wrapped data key, payload/data the ciphertext).
CREATE TABLE citizens (
    id                 TEXT PRIMARY KEY,
    login_email        TEXT UNIQUE,
    email              TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    password_hash      TEXT NOT NULL DEFAULT '',
    email_confirmed_at {{time}},
    saml_issuer        TEXT,
    saml_subject       TEXT,
    created_at         {{time}} NOT NULL,
    updated_at         {{time}} NOT NULL,
    last_login_at      {{time}}
);
--split
CREATE UNIQUE INDEX citizens_saml_idx ON citizens (saml_issuer, saml_subject);
--split
CREATE TABLE citizen_tokens (
    token_hash TEXT PRIMARY KEY,
    citizen_id TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL,
    used_at    {{time}}
);
--split
CREATE INDEX citizen_tokens_citizen_idx ON citizen_tokens (citizen_id);
--split
CREATE TABLE saml_requests (
    id           TEXT PRIMARY KEY,
    binding_hash TEXT NOT NULL,
    return_to    TEXT NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    expires_at   {{time}} NOT NULL
);
--split
CREATE TABLE application_drafts (
    id              TEXT PRIMARY KEY,
    citizen_id      TEXT NOT NULL REFERENCES citizens (id) ON DELETE CASCADE,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    antragsstrecke  TEXT NOT NULL,
    def_version     TEXT NOT NULL,
    steps_done      TEXT NOT NULL DEFAULT '',
    key_id          TEXT NOT NULL,
    dek             {{blob}} NOT NULL,
    payload         {{blob}} NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      {{time}} NOT NULL,
    updated_at      {{time}} NOT NULL,
    expires_at      {{time}} NOT NULL,
    reminded_at     {{time}}
);
--split
CREATE INDEX application_drafts_citizen_idx ON application_drafts (citizen_id);
--split
CREATE INDEX application_drafts_expires_idx ON application_drafts (expires_at);
--split
CREATE TABLE draft_uploads (
    id           TEXT PRIMARY KEY,
    draft_id     TEXT NOT NULL REFERENCES application_drafts (id) ON DELETE CASCADE,
    field_id     TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    dek          {{blob}} NOT NULL,
    data         {{blob}} NOT NULL,
    created_at   {{time}} NOT NULL
);
--split
CREATE INDEX draft_uploads_draft_idx ON draft_uploads (draft_id);
--split
CREATE TABLE application_reference_counters (
    year INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);
--split
CREATE TABLE applications (
    id             TEXT PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE,
    draft_id       TEXT NOT NULL UNIQUE,
    citizen_id     TEXT REFERENCES citizens (id) ON DELETE SET NULL,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    antragsstrecke TEXT NOT NULL,
    def_version    TEXT NOT NULL,
    status         TEXT NOT NULL,
    status_detail  TEXT NOT NULL DEFAULT '',
    status_at      {{time}} NOT NULL,
    key_id         TEXT NOT NULL DEFAULT '',
    dek            {{blob}},
    payload        {{blob}},
    delivery_id    TEXT NOT NULL DEFAULT '',
    created_at     {{time}} NOT NULL,
    submitted_at   {{time}},
    delivered_at   {{time}},
    delete_after   {{time}},
    deleted_at     {{time}}
);
--split
CREATE INDEX applications_tenant_idx ON applications (tenant_id, submitted_at);
--split
CREATE INDEX applications_citizen_idx ON applications (citizen_id, submitted_at);
--split
CREATE INDEX applications_delete_idx ON applications (delete_after);
--split
CREATE TABLE application_documents (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    field_id       TEXT NOT NULL DEFAULT '',
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    key_id         TEXT NOT NULL,
    dek            {{blob}} NOT NULL,
    data           {{blob}} NOT NULL,
    created_at     {{time}} NOT NULL
);
--split
CREATE INDEX application_documents_application_idx ON application_documents (application_id, kind);
--split
CREATE TABLE application_status_log (
    id             {{serial}},
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    status         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    at             {{time}} NOT NULL
);
--split
CREATE INDEX application_status_log_application_idx ON application_status_log (application_id, id);
--split
CREATE TABLE application_settings (
    tenant_id      TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    draft_days     INTEGER NOT NULL,
    retention_days INTEGER NOT NULL,
    updated_at     {{time}} NOT NULL
);
