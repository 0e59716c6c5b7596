DROP INDEX password_resets_user_idx;
--split
DROP INDEX api_tokens_creator_idx;
--split
ALTER TABLE api_tokens DROP COLUMN created_by_id;
--split
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    window_start {{time}} NOT NULL,
    locked_until {{time}}
);
--split
DROP TABLE auth_throttle;
