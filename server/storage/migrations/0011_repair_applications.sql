-- Applications for credit repair (lists.proto Repair, doc/lists.md "Credit
-- repair"). A regulator's application is decided at once; an enterprise's
-- waits (state PENDING) for a regulator's DecideRepair. A granted one points
-- at its list_repairs row, which is what ends the listing. pending_listing
-- is listing_date while the application waits and NULL once decided, so the
-- unique key allows one waiting application per listing (NULLs never
-- collide) and any number of decided ones.
CREATE TABLE repair_applications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  enterprise_id BIGINT NOT NULL,
  credit_code CHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  listing_date DATE NOT NULL,
  rectification_date DATE NOT NULL,
  penalty_performed TINYINT NOT NULL,
  commitment VARCHAR(255) NOT NULL DEFAULT '',
  note VARCHAR(2000) NOT NULL DEFAULT '',
  state SMALLINT NOT NULL,
  applicant VARCHAR(100) NOT NULL,
  apply_time DATETIME(6) NOT NULL,
  decide_time DATETIME(6) NULL,
  decision_reason VARCHAR(2000) NOT NULL DEFAULT '',
  repair_id BIGINT NULL,
  pending_listing DATE NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_repair_applications_pending (enterprise_id, pending_listing),
  KEY ix_repair_applications_code (credit_code, id),
  KEY ix_repair_applications_state (state, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
