-- Bearer tokens (doc/access.md). Only the SHA-256 of a token is stored; the
-- secret is shown once, when it is created. A token is never deleted: a
-- revoked one keeps its row, so audit entries naming its label stay
-- explainable.
CREATE TABLE access_tokens (
  id BIGINT NOT NULL AUTO_INCREMENT,
  token_hash BINARY(32) NOT NULL,
  role SMALLINT NOT NULL,
  label VARCHAR(100) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  expire_time DATETIME(6) NULL,
  revoke_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_access_tokens_hash (token_hash),
  KEY ix_access_tokens_role (role, revoke_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
