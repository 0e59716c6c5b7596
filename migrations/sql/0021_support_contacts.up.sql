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
-- The delivery health of the last days across all municipalities (the
-- Umsetzungsstand) reads deliveries by age.
CREATE INDEX deliveries_created_idx ON deliveries (created_at);
