-- Platform core: tenants, identity, access control, sessions, audit, mail, jobs.
CREATE TABLE tenants (
    id               TEXT PRIMARY KEY,
    parent_id        TEXT REFERENCES tenants (id),
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    official_key     TEXT UNIQUE,
    slug             TEXT NOT NULL UNIQUE,
    function_mailbox TEXT NOT NULL DEFAULT '',
    street           TEXT NOT NULL DEFAULT '',
    postal_code      TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    contacts         {{json}} NOT NULL DEFAULT '[]',
    it_provider      TEXT NOT NULL DEFAULT '',
    active           {{bool}} NOT NULL DEFAULT TRUE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       {{time}} NOT NULL,
    updated_at       {{time}} NOT NULL
);
--split
CREATE INDEX tenants_parent_idx ON tenants (parent_id);
--split
CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL DEFAULT '',
    active              {{bool}} NOT NULL DEFAULT TRUE,
    created_at          {{time}} NOT NULL,
    updated_at          {{time}} NOT NULL,
    password_changed_at {{time}},
    last_login_at       {{time}}
);
--split
CREATE TABLE memberships (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    created_at {{time}} NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
--split
CREATE INDEX memberships_tenant_idx ON memberships (tenant_id);
--split
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  TEXT NOT NULL DEFAULT '',
    created_at  {{time}} NOT NULL,
    expires_at  {{time}} NOT NULL,
    accepted_at {{time}},
    revoked_at  {{time}}
);
--split
CREATE INDEX invitations_tenant_idx ON invitations (tenant_id);
--split
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at {{time}} NOT NULL,
    expires_at {{time}} NOT NULL,
    used_at    {{time}}
);
--split
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    expires_at   {{time}},
    last_used_at {{time}},
    revoked_at   {{time}}
);
--split
CREATE INDEX api_tokens_tenant_idx ON api_tokens (tenant_id);
--split
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    data         TEXT NOT NULL DEFAULT '',
    created_at   {{time}} NOT NULL,
    last_seen_at {{time}} NOT NULL,
    expires_at   {{time}} NOT NULL
);
--split
CREATE INDEX sessions_user_idx ON sessions (user_id);
--split
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
--split
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    window_start {{time}} NOT NULL,
    locked_until {{time}}
);
--split
CREATE TABLE audit_log (
    id          {{serial}},
    at          {{time}} NOT NULL,
    tenant_id   TEXT,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT '',
    summary     {{json}} NOT NULL DEFAULT '{}',
    request_id  TEXT NOT NULL DEFAULT ''
);
--split
CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at);
--split
CREATE INDEX audit_log_at_idx ON audit_log (at);
--split
-- only: sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
--split
-- only: sqlite
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
--split
-- only: postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$;
--split
-- only: postgres
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--split
CREATE TABLE authz_rules (
    id    {{serial}},
    ptype TEXT NOT NULL,
    v0    TEXT NOT NULL DEFAULT '',
    v1    TEXT NOT NULL DEFAULT '',
    v2    TEXT NOT NULL DEFAULT '',
    v3    TEXT NOT NULL DEFAULT '',
    v4    TEXT NOT NULL DEFAULT '',
    v5    TEXT NOT NULL DEFAULT ''
);
--split
CREATE UNIQUE INDEX authz_rules_unique_idx ON authz_rules (ptype, v0, v1, v2, v3, v4, v5);
--split
CREATE TABLE authz_revision (
    id       INTEGER PRIMARY KEY,
    revision BIGINT NOT NULL
);
--split
INSERT INTO authz_revision (id, revision) VALUES (1, 1);
--split
CREATE TABLE mail_messages (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT REFERENCES tenants (id) ON DELETE SET NULL,
    template        TEXT NOT NULL,
    from_addr       TEXT NOT NULL DEFAULT '',
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{time}} NOT NULL,
    lease_until     {{time}},
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      {{time}} NOT NULL,
    sent_at         {{time}}
);
--split
CREATE INDEX mail_messages_due_idx ON mail_messages (status, next_attempt_at);
--split
CREATE INDEX mail_messages_tenant_idx ON mail_messages (tenant_id, created_at);
--split
CREATE TABLE job_leases (
    name            TEXT PRIMARY KEY,
    holder          TEXT NOT NULL DEFAULT '',
    last_started_at {{time}},
    lease_until     {{time}}
);
--split
CREATE TABLE job_runs (
    id          {{serial}},
    name        TEXT NOT NULL,
    instance    TEXT NOT NULL,
    started_at  {{time}} NOT NULL,
    finished_at {{time}},
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT ''
);
--split
CREATE INDEX job_runs_name_idx ON job_runs (name, started_at);
