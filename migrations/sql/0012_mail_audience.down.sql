DROP INDEX mail_messages_audience_idx;
--split
ALTER TABLE mail_messages DROP COLUMN masked_text;
--split
ALTER TABLE mail_messages DROP COLUMN audience;
