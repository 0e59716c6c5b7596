-- Marketplace: products with dated prices, registrations of authorities,
-- Merkzettel, Warenkorb and orders with their state history.
CREATE TABLE market_products (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    short_description TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    service_type      TEXT NOT NULL,
    topic             TEXT NOT NULL,
    ozg_id            TEXT NOT NULL DEFAULT '',
    antragsstrecken   {{json}} NOT NULL DEFAULT '[]',
    preview_url       TEXT NOT NULL DEFAULT '',
    free_for_state    {{bool}} NOT NULL DEFAULT FALSE,
    published         {{bool}} NOT NULL DEFAULT FALSE,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        {{time}} NOT NULL,
    updated_at        {{time}} NOT NULL
);
--split
CREATE TABLE market_prices (
    product_id   TEXT NOT NULL REFERENCES market_products (id) ON DELETE CASCADE,
    valid_from   TEXT NOT NULL,
    valid_until  TEXT,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (product_id, valid_from)
);
--split
CREATE TABLE market_registrations (
    id               TEXT PRIMARY KEY,
    authority_name   TEXT NOT NULL,
    official_key     TEXT NOT NULL,
    function_mailbox TEXT NOT NULL,
    street           TEXT NOT NULL,
    postal_code      TEXT NOT NULL,
    city             TEXT NOT NULL,
    contact_name     TEXT NOT NULL,
    contact_phone    TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    token_expires_at {{time}} NOT NULL,
    terms_accepted_at {{time}} NOT NULL,
    confirmed_at     {{time}},
    decided_at       {{time}},
    decided_by       TEXT NOT NULL DEFAULT '',
    reject_reason    TEXT NOT NULL DEFAULT '',
    tenant_id        TEXT REFERENCES tenants (id) ON DELETE SET NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       {{time}} NOT NULL,
    updated_at       {{time}} NOT NULL
);
--split
CREATE INDEX market_registrations_key_idx ON market_registrations (official_key);
--split
-- At most one open registration (waiting for confirmation or for the
-- ministry) per authority, also when two arrive at the same moment.
CREATE UNIQUE INDEX market_registrations_open_idx ON market_registrations (official_key)
    WHERE state IN ('unbestaetigt', 'bestaetigt');
--split
CREATE TABLE market_wishlist_items (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES market_products (id) ON DELETE CASCADE,
    added_at   {{time}} NOT NULL,
    PRIMARY KEY (tenant_id, product_id)
);
--split
CREATE TABLE market_carts (
    tenant_id       TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    ordered_version INTEGER NOT NULL DEFAULT 0,
    last_order_id   TEXT NOT NULL DEFAULT '',
    updated_at      {{time}} NOT NULL
);
--split
CREATE TABLE market_cart_items (
    tenant_id  TEXT NOT NULL REFERENCES market_carts (tenant_id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES market_products (id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL,
    added_at   {{time}} NOT NULL,
    PRIMARY KEY (tenant_id, product_id)
);
--split
-- One row that hands out order numbers: every order takes the next number
-- by updating it inside its transaction, so two orders never share one.
-- The demo's order 10173 (Landkreis Wittenberg) is the last number given.
CREATE TABLE market_order_counter (
    id          INTEGER PRIMARY KEY,
    last_number BIGINT NOT NULL
);
--split
INSERT INTO market_order_counter (id, last_number) VALUES (1, 10173);
--split
CREATE TABLE market_orders (
    id               TEXT PRIMARY KEY,
    number           BIGINT NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    state            TEXT NOT NULL,
    authority_name   TEXT NOT NULL,
    official_key     TEXT NOT NULL DEFAULT '',
    function_mailbox TEXT NOT NULL DEFAULT '',
    street           TEXT NOT NULL DEFAULT '',
    postal_code      TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    total_cents      BIGINT NOT NULL,
    ordered_at       {{time}} NOT NULL,
    ordered_by       TEXT NOT NULL DEFAULT '',
    cancel_reason    TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       {{time}} NOT NULL
);
--split
CREATE INDEX market_orders_tenant_idx ON market_orders (tenant_id, ordered_at);
--split
CREATE INDEX market_orders_ordered_idx ON market_orders (ordered_at);
--split
CREATE TABLE market_order_items (
    order_id         TEXT NOT NULL REFERENCES market_orders (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    product_id       TEXT NOT NULL REFERENCES market_products (id),
    product_number   TEXT NOT NULL,
    name             TEXT NOT NULL,
    ozg_id           TEXT NOT NULL DEFAULT '',
    antragsstrecken  {{json}} NOT NULL DEFAULT '[]',
    quantity         INTEGER NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    line_total_cents BIGINT NOT NULL,
    PRIMARY KEY (order_id, position)
);
--split
CREATE TABLE market_order_events (
    id          {{serial}},
    order_id    TEXT NOT NULL REFERENCES market_orders (id) ON DELETE CASCADE,
    at          {{time}} NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT ''
);
--split
CREATE INDEX market_order_events_order_idx ON market_order_events (order_id, id);
