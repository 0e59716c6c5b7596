ALTER TABLE market_products DROP COLUMN price_after;
--split
ALTER TABLE market_products DROP COLUMN bus_template;
--split
ALTER TABLE market_products DROP COLUMN section;
