-- A black-list entry's notice (告知) gets a table of its own (issue 15, the
-- lists at a million): the notice step wrote every text into its entry row
-- with UPDATE … JOIN, rewriting 62,000 rows of a million-enterprise list with
-- rows about three times as long (3.5 s of statement time, doc/benchmarks.md);
-- it now appends them in key order. A notice row exists for each entry of a black
-- list that reached its notice, and leaves with its entry (an upheld
-- objection). Written so that a run stopped between the two statements can
-- run again; 0015 drops the old column in a statement of its own.
CREATE TABLE IF NOT EXISTS publication_notices (
  publication_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  notice_text TEXT NOT NULL,
  PRIMARY KEY (publication_id, credit_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
INSERT INTO publication_notices (publication_id, credit_code, notice_text)
SELECT e.publication_id, e.credit_code, e.notice_text FROM publication_entries e
WHERE e.notice_text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM publication_notices n
  WHERE n.publication_id = e.publication_id AND n.credit_code = e.credit_code);
