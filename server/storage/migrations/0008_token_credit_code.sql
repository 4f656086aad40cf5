-- ENTERPRISE tokens (doc/access.md "The enterprise's own token"): the
-- enterprise a token acts for; empty for every other role.
ALTER TABLE access_tokens
  ADD COLUMN credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '';
