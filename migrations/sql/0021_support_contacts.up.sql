-- The support actors of the onboarding (issue 16 item 9): the
-- Anbindungssupport NRW, the Dataport Roll-In-Management and whoever the
-- ministry adds, each with what it helps with, its function mailbox and
-- phone, and which Anbindungsvarianten and phases it covers ('' = all;
-- otherwise a comma list such as '1,3' or 'preparation,connection-tests').
-- Case pages and the order confirmation read them from here.
CREATE TABLE onboarding_support_contacts (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    mailbox    TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    variants   TEXT NOT NULL DEFAULT '',
    phases     TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at {{time}} NOT NULL,
    updated_at {{time}} NOT NULL
);
--split
-- The delivery health of the last 7 days per case (finding m16) reads the
-- window's deliveries of all municipalities for the Umsetzungsstand: a
-- range on created_at that carries what the counts need, so the query
-- never touches the table rows nor the older deliveries.
CREATE INDEX deliveries_health_idx ON deliveries (created_at, purpose, tenant_id, antragsstrecke, status);
