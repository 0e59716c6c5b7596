-- Subscription links of the onboarding calendar (issue 4): calendar apps
-- cannot log in, so a tenant gets a secret feed address. Only the
-- SHA-256 of its token is kept; a new link replaces the old one.
CREATE TABLE calendar_feeds (
    tenant_id  TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at {{time}} NOT NULL
);
