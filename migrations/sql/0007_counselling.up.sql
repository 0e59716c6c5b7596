-- Beratungsstellen (issue 8): the directory of counselling centres with its
-- topic taxonomy, versioned entries under optional review by the
-- Landesredaktion, a search index of the published entries (tags and
-- coordinates), and the online appointments (slot calendars and bookings,
-- with a database-backed rate limit shared by all instances).
CREATE TABLE counselling_topics (
    key        TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    active     {{bool}} NOT NULL DEFAULT TRUE,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
--split
CREATE TABLE counselling_settings (
    id              INTEGER PRIMARY KEY,
    review_required {{bool}} NOT NULL DEFAULT FALSE,
    updated_at      {{time}} NOT NULL
);
--split
CREATE TABLE counselling_centres (
    id                TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    current_version   INTEGER NOT NULL,
    published_version INTEGER,
    pending_version   INTEGER,
    published_data    {{json}},
    published_name    TEXT NOT NULL DEFAULT '',
    published_at      {{time}},
    verified_on       {{time}},
    stale_reminded_at {{time}},
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        {{time}} NOT NULL,
    updated_at        {{time}} NOT NULL
);
--split
CREATE INDEX counselling_centres_verified_idx ON counselling_centres (verified_on);
--split
CREATE TABLE counselling_versions (
    centre_id      TEXT NOT NULL REFERENCES counselling_centres (id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    state          TEXT NOT NULL,
    data           {{json}} NOT NULL,
    changes        {{json}} NOT NULL DEFAULT '[]',
    author_id      TEXT NOT NULL DEFAULT '',
    author_label   TEXT NOT NULL DEFAULT '',
    created_at     {{time}} NOT NULL,
    reviewer_label TEXT NOT NULL DEFAULT '',
    reviewed_at    {{time}},
    review_comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (centre_id, number)
);
--split
CREATE INDEX counselling_versions_state_idx ON counselling_versions (state, created_at);
--split
CREATE TABLE counselling_tags (
    centre_id TEXT NOT NULL REFERENCES counselling_centres (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (centre_id, kind, value)
);
--split
CREATE INDEX counselling_tags_value_idx ON counselling_tags (kind, value);
--split
CREATE TABLE counselling_places (
    centre_id TEXT NOT NULL REFERENCES counselling_centres (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    lat       DOUBLE PRECISION NOT NULL,
    lon       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (centre_id, position)
);
--split
CREATE INDEX counselling_places_lat_lon_idx ON counselling_places (lat, lon);
--split
CREATE TABLE appointment_calendars (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    location           TEXT NOT NULL DEFAULT '',
    slot_minutes       INTEGER NOT NULL,
    availability       {{json}} NOT NULL DEFAULT '[]',
    exceptions         {{json}} NOT NULL DEFAULT '[]',
    horizon_days       INTEGER NOT NULL DEFAULT 42,
    min_notice_minutes INTEGER NOT NULL DEFAULT 120,
    notify_email       TEXT NOT NULL DEFAULT '',
    active             {{bool}} NOT NULL DEFAULT TRUE,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         {{time}} NOT NULL,
    updated_at         {{time}} NOT NULL
);
--split
CREATE INDEX appointment_calendars_tenant_idx ON appointment_calendars (tenant_id);
--split
CREATE TABLE appointment_bookings (
    id                TEXT PRIMARY KEY,
    calendar_id       TEXT NOT NULL REFERENCES appointment_calendars (id) ON DELETE CASCADE,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    starts_at         {{time}} NOT NULL,
    ends_at           {{time}} NOT NULL,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    remark            TEXT NOT NULL DEFAULT '',
    site_slug         TEXT NOT NULL DEFAULT '',
    lang              TEXT NOT NULL DEFAULT 'de',
    cancel_token_hash TEXT UNIQUE,
    ics_token_hash    TEXT NOT NULL UNIQUE,
    created_at        {{time}} NOT NULL,
    cancelled_at      {{time}},
    cancelled_by      TEXT NOT NULL DEFAULT '',
    cancel_note       TEXT NOT NULL DEFAULT '',
    reminded_at       {{time}}
);
--split
CREATE UNIQUE INDEX appointment_bookings_slot_idx ON appointment_bookings (calendar_id, starts_at) WHERE cancelled_at IS NULL;
--split
CREATE INDEX appointment_bookings_calendar_idx ON appointment_bookings (calendar_id, starts_at);
--split
CREATE INDEX appointment_bookings_starts_idx ON appointment_bookings (starts_at);
--split
CREATE TABLE appointment_rate_limits (
    key          TEXT PRIMARY KEY,
    window_start {{time}} NOT NULL,
    attempts     INTEGER NOT NULL
);
