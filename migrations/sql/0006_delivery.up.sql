-- Delivery of applications to the Fachverfahren (issue 7): the outbox of
-- deliveries with their sealed payloads, every attempt, the progress steps
-- of connection tests, the variant-2 mailbox ("OSCI-Client") with its files,
-- and the ministry's DVDV directory (Behördenkennung → intermediary).
CREATE TABLE deliveries (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    application_id   TEXT NOT NULL,
    antragsstrecke   TEXT NOT NULL,
    reference_number TEXT NOT NULL DEFAULT '',
    purpose          TEXT NOT NULL DEFAULT 'application',
    case_id          TEXT NOT NULL DEFAULT '',
    variant          INTEGER NOT NULL DEFAULT 0,
    route            {{json}} NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  {{time}} NOT NULL,
    follow_at        {{time}},
    follow_checks    INTEGER NOT NULL DEFAULT 0,
    lease_until      {{time}},
    lease_holder     TEXT NOT NULL DEFAULT '',
    lease_token      TEXT NOT NULL DEFAULT '',
    transport_ref    TEXT NOT NULL DEFAULT '',
    transport_state  {{json}} NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    status_detail    TEXT NOT NULL DEFAULT '',
    submitted_at     {{time}} NOT NULL,
    sent_at          {{time}},
    finished_at      {{time}},
    created_at       {{time}} NOT NULL,
    updated_at       {{time}} NOT NULL
);
--split
CREATE UNIQUE INDEX deliveries_application_idx ON deliveries (application_id);
--split
CREATE INDEX deliveries_due_idx ON deliveries (status, next_attempt_at);
--split
CREATE INDEX deliveries_follow_idx ON deliveries (status, follow_at);
--split
CREATE INDEX deliveries_tenant_idx ON deliveries (tenant_id, created_at);
--split
CREATE INDEX deliveries_case_idx ON deliveries (case_id, created_at);
--split
CREATE INDEX deliveries_ref_idx ON deliveries (transport_ref);
--split
CREATE TABLE delivery_payloads (
    delivery_id TEXT PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
    sealed      {{bool}} NOT NULL DEFAULT FALSE,
    data        {{blob}} NOT NULL,
    created_at  {{time}} NOT NULL
);
--split
CREATE TABLE delivery_attempts (
    id           {{serial}},
    delivery_id  TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    phase        TEXT NOT NULL,
    instance     TEXT NOT NULL DEFAULT '',
    started_at   {{time}} NOT NULL,
    finished_at  {{time}} NOT NULL,
    outcome      TEXT NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    retry_after  INTEGER NOT NULL DEFAULT 0
);
--split
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, id);
--split
CREATE TABLE delivery_steps (
    id          {{serial}},
    delivery_id TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    at          {{time}} NOT NULL,
    step        TEXT NOT NULL,
    ok          {{bool}} NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
--split
CREATE INDEX delivery_steps_delivery_idx ON delivery_steps (delivery_id, id);
--split
CREATE TABLE mailbox_messages (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    delivery_id      TEXT NOT NULL UNIQUE REFERENCES deliveries (id) ON DELETE CASCADE,
    application_id   TEXT NOT NULL,
    antragsstrecke   TEXT NOT NULL,
    reference_number TEXT NOT NULL DEFAULT '',
    test             {{bool}} NOT NULL DEFAULT FALSE,
    received_at      {{time}} NOT NULL,
    submitted_at     {{time}} NOT NULL,
    picked_up_at     {{time}},
    picked_up_by     TEXT NOT NULL DEFAULT '',
    purged_at        {{time}}
);
--split
CREATE INDEX mailbox_messages_tenant_idx ON mailbox_messages (tenant_id, received_at);
--split
CREATE TABLE mailbox_files (
    message_id   TEXT NOT NULL REFERENCES mailbox_messages (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    sealed       {{bool}} NOT NULL DEFAULT FALSE,
    data         {{blob}} NOT NULL,
    PRIMARY KEY (message_id, position)
);
--split
CREATE TABLE dvdv_entries (
    kennung          TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    endpoint         TEXT NOT NULL,
    certificate      TEXT NOT NULL DEFAULT '',
    cert_subject     TEXT NOT NULL DEFAULT '',
    cert_not_after   {{time}},
    cert_thumbprint  TEXT NOT NULL DEFAULT '',
    active           {{bool}} NOT NULL DEFAULT TRUE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       {{time}} NOT NULL,
    updated_at       {{time}} NOT NULL
);
