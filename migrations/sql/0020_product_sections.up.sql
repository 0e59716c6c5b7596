-- The marketplace's sections as the seed's navigation shows them
-- (Basisdienste, Online-Dienste, Sonstiges, Geplante Dienste), the
-- catalogue filter "Vorlage im BUS", and what holds after a product's last
-- price period: nothing decided yet (''), "noch nicht entschieden, aber
-- bestellbar" ('undecided-orderable') or "nicht bestellbar, bis ein Preis
-- feststeht" ('undecided-closed').
ALTER TABLE market_products ADD COLUMN section TEXT NOT NULL DEFAULT 'online';
--split
ALTER TABLE market_products ADD COLUMN bus_template {{bool}} NOT NULL DEFAULT FALSE;
--split
ALTER TABLE market_products ADD COLUMN price_after TEXT NOT NULL DEFAULT '';
