DROP TABLE portal_sign_videos;
--split
DROP TABLE portal_links;
--split
DROP TABLE portal_offices;
--split
DROP TABLE portal_settings;
