DROP TABLE appointment_rate_limits;
--split
DROP TABLE appointment_bookings;
--split
DROP TABLE appointment_calendars;
--split
DROP TABLE counselling_places;
--split
DROP TABLE counselling_tags;
--split
DROP TABLE counselling_versions;
--split
DROP TABLE counselling_centres;
--split
DROP TABLE counselling_settings;
--split
DROP TABLE counselling_topics;
