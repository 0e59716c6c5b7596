-- Account takeover paths (issue 13).
--
-- auth_throttle replaces login_throttle: counters of login attempts and of
-- reset mails, counted before the password is hashed, with growing delays
-- instead of a lock (see tenant/throttle.go). Keys are hashes; no address
-- is stored in the clear.
CREATE TABLE auth_throttle (
    key           TEXT PRIMARY KEY,
    failures      INTEGER NOT NULL DEFAULT 0,
    not_before    {{time}} NOT NULL,
    last_at       {{time}} NOT NULL,
    trusted_until {{time}}
);
--split
CREATE INDEX auth_throttle_last_idx ON auth_throttle (last_at);
--split
DROP TABLE login_throttle;
--split
-- Who created an API token, as a user ID: a token whose creator left is
-- shown as orphaned and can be revoked with the creator's removal.
ALTER TABLE api_tokens ADD COLUMN created_by_id TEXT;
--split
UPDATE api_tokens SET created_by_id = (SELECT users.id FROM users WHERE users.email = api_tokens.created_by);
--split
CREATE INDEX api_tokens_creator_idx ON api_tokens (created_by_id);
--split
-- All open reset links of an account end when one is used.
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
