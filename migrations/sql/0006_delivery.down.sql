DROP TABLE dvdv_entries;
--split
DROP TABLE mailbox_files;
--split
DROP TABLE mailbox_messages;
--split
DROP TABLE delivery_steps;
--split
DROP TABLE delivery_attempts;
--split
DROP TABLE delivery_payloads;
--split
DROP TABLE deliveries;
