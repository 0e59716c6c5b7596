DROP TABLE market_order_events;
--split
DROP TABLE market_order_items;
--split
DROP TABLE market_orders;
--split
DROP TABLE market_order_counter;
--split
DROP TABLE market_cart_items;
--split
DROP TABLE market_carts;
--split
DROP TABLE market_wishlist_items;
--split
DROP TABLE market_registrations;
--split
DROP TABLE market_prices;
--split
DROP TABLE market_products;
