-- Ratings (doc/ratings.md): the current rating of every enterprise, the
-- history of what the server said, and the change feed.
--
-- ratings: one row per enterprise, rewritten in the same transaction as every
-- write that touches the enterprise. valid_until is the first day on which
-- time alone may change the rating (NULL: never); the daily roll finds the
-- rows to re-rate through its index. revision is the feed cursor of the last
-- change (0 before any).
CREATE TABLE ratings (
  enterprise_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  region_code CHAR(6) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  level SMALLINT NOT NULL,
  points INT NOT NULL,
  national_level SMALLINT NOT NULL,
  flag_bits INT NOT NULL,
  policy_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  policy_version INT NOT NULL,
  as_of DATE NOT NULL,
  valid_until DATE NULL,
  revision BIGINT NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (enterprise_id),
  UNIQUE KEY uk_ratings_credit_code (credit_code),
  KEY ix_ratings_valid_until (valid_until),
  KEY ix_ratings_level (level, credit_code),
  KEY ix_ratings_policy (policy_id, credit_code),
  CONSTRAINT fk_ratings_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- Every stored change of a rating, kept for ever: what the server said, day
-- by day. cursor is the change's position in the feed (unique, gap-free).
CREATE TABLE rating_changes (
  cursor_id BIGINT NOT NULL,
  enterprise_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  effective_date DATE NOT NULL,
  old_level SMALLINT NOT NULL,
  new_level SMALLINT NOT NULL,
  old_points INT NOT NULL,
  new_points INT NOT NULL,
  new_national_level SMALLINT NOT NULL,
  new_flag_bits INT NOT NULL,
  policy_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  policy_version INT NOT NULL,
  region_code CHAR(6) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  valid_until DATE NULL,
  cause SMALLINT NOT NULL,
  cause_resource VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  reason VARCHAR(500) NOT NULL,
  level_changed TINYINT NOT NULL,
  record_time DATETIME(6) NOT NULL,
  PRIMARY KEY (cursor_id),
  KEY ix_rating_changes_enterprise (enterprise_id, cursor_id),
  KEY ix_rating_changes_level (enterprise_id, level_changed, cursor_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- The change feed: which changes a watcher may still resume from. Rows older
-- than the retention are deleted; rating_changes keeps them as history.
CREATE TABLE feed_events (
  cursor_id BIGINT NOT NULL,
  kind SMALLINT NOT NULL,
  record_time DATETIME(6) NOT NULL,
  PRIMARY KEY (cursor_id),
  KEY ix_feed_events_time (record_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- One row: the last cursor issued. A transaction that records changes
-- increments it and holds its row lock until it commits, so cursors become
-- visible in increasing order with no gaps (a reader never sees cursor n+1
-- before n).
CREATE TABLE feed_sequence (
  id SMALLINT NOT NULL,
  last_cursor BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
INSERT INTO feed_sequence (id, last_cursor) VALUES (1, 0);
