-- The records of enterprises (commitments and their items, penalty
-- decisions, complaints and their links to decisions, incidents) and the
-- audit trail. See doc/schema.md and doc/records.md. Enum columns hold the
-- stable numbers of scoring/enums.h and records.proto. Records are never
-- deleted, so the foreign keys never cascade.
CREATE TABLE commitments (
  id BIGINT NOT NULL AUTO_INCREMENT,
  enterprise_id BIGINT NOT NULL,
  kind SMALLINT NOT NULL,
  signer VARCHAR(100) NOT NULL,
  signing_date DATE NOT NULL,
  is_public TINYINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_commitments_enterprise (enterprise_id, id),
  KEY ix_commitments_signing_date (signing_date),
  CONSTRAINT fk_commitments_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
CREATE TABLE commitment_items (
  commitment_id BIGINT NOT NULL,
  item_number INT NOT NULL,
  description VARCHAR(500) NOT NULL,
  due_date DATE NOT NULL,
  state SMALLINT NOT NULL,
  check_date DATE NULL,
  check_note VARCHAR(500) NOT NULL DEFAULT '',
  PRIMARY KEY (commitment_id, item_number),
  KEY ix_commitment_items_check_date (check_date),
  CONSTRAINT fk_commitment_items_commitment FOREIGN KEY (commitment_id) REFERENCES commitments (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- measure_bits: bit n set when the decision carries Measure n (a portable
-- set encoding; MySQL 8 and MariaDB both have & on BIGINT).
CREATE TABLE penalty_decisions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  enterprise_id BIGINT NOT NULL,
  authority VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  decision_number VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  violation_type SMALLINT NOT NULL,
  decision_date DATE NOT NULL,
  measure_bits BIGINT NOT NULL,
  fine_amount_fen BIGINT NOT NULL,
  tampering TINYINT NOT NULL,
  recurrence TINYINT NOT NULL,
  recurrence_of_id BIGINT NULL,
  state SMALLINT NOT NULL,
  rectified_date DATE NULL,
  revocation_date DATE NULL,
  revocation_reason SMALLINT NOT NULL DEFAULT 0,
  revocation_note VARCHAR(500) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_penalty_decisions_number (authority, decision_number),
  KEY ix_penalty_decisions_enterprise (enterprise_id, id),
  KEY ix_penalty_decisions_enterprise_date (enterprise_id, decision_date),
  KEY ix_penalty_decisions_decision_date (decision_date),
  KEY ix_penalty_decisions_revocation_date (revocation_date),
  CONSTRAINT fk_penalty_decisions_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
CREATE TABLE complaints (
  id BIGINT NOT NULL AUTO_INCREMENT,
  enterprise_id BIGINT NOT NULL,
  received_date DATE NOT NULL,
  channel SMALLINT NOT NULL,
  case_number VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  substantiated TINYINT NOT NULL,
  summary VARCHAR(1000) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_complaints_case (enterprise_id, case_number),
  KEY ix_complaints_enterprise (enterprise_id, id),
  KEY ix_complaints_received_date (received_date),
  CONSTRAINT fk_complaints_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
CREATE TABLE complaint_decisions (
  complaint_id BIGINT NOT NULL,
  position INT NOT NULL,
  decision_id BIGINT NOT NULL,
  PRIMARY KEY (complaint_id, position),
  UNIQUE KEY uk_complaint_decisions (complaint_id, decision_id),
  KEY ix_complaint_decisions_decision (decision_id),
  CONSTRAINT fk_complaint_decisions_complaint FOREIGN KEY (complaint_id) REFERENCES complaints (id),
  CONSTRAINT fk_complaint_decisions_decision FOREIGN KEY (decision_id) REFERENCES penalty_decisions (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
CREATE TABLE incidents (
  id BIGINT NOT NULL AUTO_INCREMENT,
  enterprise_id BIGINT NOT NULL,
  incident_date DATE NOT NULL,
  grade SMALLINT NOT NULL,
  description VARCHAR(1000) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_incidents_enterprise (enterprise_id, id),
  KEY ix_incidents_date (incident_date),
  CONSTRAINT fk_incidents_enterprise FOREIGN KEY (enterprise_id) REFERENCES enterprises (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
-- Append-only. Listed newest first (id descending), so each filter index
-- ends with id.
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT,
  entry_time DATETIME(6) NOT NULL,
  actor VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  method VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  resource VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  request_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  outcome VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  reason VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  field VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id),
  KEY ix_audit_log_time (entry_time, id),
  KEY ix_audit_log_actor (actor, id),
  KEY ix_audit_log_method (method, id),
  KEY ix_audit_log_resource (resource, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
