-- The enterprise registry: one row per enterprise, keyed by its unified
-- social credit code (USCC). See doc/schema.md.
--
-- Rules for migration files (scripts run by server/storage/migrations.cc):
-- statements end with ';' at the end of a line; lines starting with '--' are
-- comments; SQL must run on MySQL 8 and MariaDB 10.6+ alike.
CREATE TABLE enterprises (
  id BIGINT NOT NULL AUTO_INCREMENT,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  region_code CHAR(6) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  industry SMALLINT NOT NULL,
  legal_representative VARCHAR(100) NOT NULL DEFAULT '',
  address VARCHAR(500) NOT NULL DEFAULT '',
  status SMALLINT NOT NULL,
  revision BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_enterprises_credit_code (credit_code),
  KEY ix_enterprises_region (region_code, credit_code),
  KEY ix_enterprises_industry (industry, credit_code),
  KEY ix_enterprises_status (status, credit_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
