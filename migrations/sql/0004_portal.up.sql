-- Citizen portal: per-tenant presentation (branding, contact, imprint data),
-- responsible offices per Rechtskreis, links to online services on other
-- portals (state-wide ones belong to the Land's tenant), sign-language videos.
CREATE TABLE portal_settings (
    tenant_id       TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    primary_color   TEXT NOT NULL DEFAULT '',
    logo            {{blob}},
    logo_type       TEXT NOT NULL DEFAULT '',
    logo_hash       TEXT NOT NULL DEFAULT '',
    logo_alt        TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    hours           TEXT NOT NULL DEFAULT '',
    website         TEXT NOT NULL DEFAULT '',
    representative  TEXT NOT NULL DEFAULT '',
    privacy_contact TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      {{time}} NOT NULL
);
--split
CREATE TABLE portal_offices (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    rechtskreis TEXT NOT NULL,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    website     TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    created_at  {{time}} NOT NULL,
    updated_at  {{time}} NOT NULL
);
--split
CREATE INDEX portal_offices_tenant_idx ON portal_offices (tenant_id, rechtskreis);
--split
CREATE TABLE portal_links (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    service     TEXT NOT NULL,
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  {{time}} NOT NULL
);
--split
CREATE INDEX portal_links_tenant_service_idx ON portal_links (tenant_id, service);
--split
CREATE TABLE portal_sign_videos (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    url         TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  {{time}} NOT NULL
);
--split
CREATE INDEX portal_sign_videos_tenant_idx ON portal_sign_videos (tenant_id);
