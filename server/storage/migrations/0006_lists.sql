-- The honour and black lists (doc/lists.md): publications with their entries
-- and removals, objections filed during the notice, credit repairs, and the
-- list events of the change feed.
--
-- open_list is the list kind while a publication is a DRAFT or in NOTICE and
-- NULL otherwise: its unique key allows one open publication per list.
CREATE TABLE publications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  list_kind SMALLINT NOT NULL,
  state SMALLINT NOT NULL,
  open_list SMALLINT NULL,
  as_of DATE NOT NULL,
  number BIGINT NULL,
  previous_id BIGINT NULL,
  policy_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  policy_version INT NOT NULL,
  notice_start DATE NULL,
  notice_end DATE NULL,
  entry_count INT NOT NULL,
  added_count INT NOT NULL,
  unchanged_count INT NOT NULL,
  removed_count INT NOT NULL,
  content_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  previous_content_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  publish_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_publications_number (list_kind, number),
  UNIQUE KEY uk_publications_open (open_list),
  KEY ix_publications_list (list_kind, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- reasons: one line per reason, fields separated by tabs (kind, reference,
-- authority, date, points, description); text never holds control
-- characters.
CREATE TABLE publication_entries (
  publication_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  enterprise_id BIGINT NOT NULL,
  enterprise_name VARCHAR(200) NOT NULL,
  legal_representative VARCHAR(100) NOT NULL,
  region_code CHAR(6) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  level SMALLINT NOT NULL,
  points INT NOT NULL,
  reasons TEXT NOT NULL,
  listing_date DATE NOT NULL,
  earliest_repair_date DATE NULL,
  expiry_date DATE NULL,
  change_kind SMALLINT NOT NULL,
  notice_text TEXT NULL,
  PRIMARY KEY (publication_id, credit_code),
  KEY ix_publication_entries_enterprise (enterprise_id, publication_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
CREATE TABLE publication_removals (
  publication_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  enterprise_id BIGINT NOT NULL,
  enterprise_name VARCHAR(200) NOT NULL,
  reason SMALLINT NOT NULL,
  detail VARCHAR(2000) NOT NULL,
  PRIMARY KEY (publication_id, credit_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
CREATE TABLE objections (
  id BIGINT NOT NULL AUTO_INCREMENT,
  publication_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  statement VARCHAR(2000) NOT NULL,
  state SMALLINT NOT NULL,
  decision_reason VARCHAR(2000) NOT NULL DEFAULT '',
  file_time DATETIME(6) NOT NULL,
  decide_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY ix_objections_publication (publication_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- A granted repair ends the entry's listing period; the next publication of
-- the black list shows it as a removal (consumed_by records which one).
CREATE TABLE list_repairs (
  id BIGINT NOT NULL AUTO_INCREMENT,
  list_kind SMALLINT NOT NULL,
  enterprise_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  listing_date DATE NOT NULL,
  rectification_date DATE NOT NULL,
  penalty_performed TINYINT NOT NULL,
  commitment VARCHAR(255) NOT NULL DEFAULT '',
  note VARCHAR(2000) NOT NULL DEFAULT '',
  grant_time DATETIME(6) NOT NULL,
  consumed_by BIGINT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_list_repairs_listing (list_kind, enterprise_id, listing_date),
  KEY ix_list_repairs_open (list_kind, consumed_by)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- List events of the change feed (feed_events.kind 2); cursor_id shares the
-- feed_sequence with rating changes.
CREATE TABLE list_changes (
  cursor_id BIGINT NOT NULL,
  list_kind SMALLINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  change_kind SMALLINT NOT NULL,
  publication_id BIGINT NULL,
  reason VARCHAR(500) NOT NULL,
  effective_date DATE NOT NULL,
  record_time DATETIME(6) NOT NULL,
  PRIMARY KEY (cursor_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
