-- Idempotent mutations (AIP-155): a request_id seen before returns the
-- original result instead of acting twice. A row is written in the same
-- transaction as the mutation it guards, so it exists exactly when the
-- mutation was committed. See doc/schema.md.
CREATE TABLE request_log (
  request_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  method VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  fingerprint VARBINARY(64) NOT NULL,
  resource_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (request_id),
  KEY ix_request_log_create_time (create_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
