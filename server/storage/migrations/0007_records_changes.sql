-- Records events of the change feed (feed_events.kind 3): the scoring
-- records or the region of an enterprise changed and its rating did not.
-- Every server's records cache drops what it holds for the enterprise when
-- it sees one (doc/ratings.md "Records cache"); watchers are not sent them.
-- A change of the rating caused by a record carries the same news, so a
-- write has one feed event per enterprise either way. Kept only as long as
-- the feed keeps its events (PruneFeed deletes both).
CREATE TABLE records_changes (
  cursor_id BIGINT NOT NULL,
  enterprise_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  record_time DATETIME(6) NOT NULL,
  PRIMARY KEY (cursor_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
