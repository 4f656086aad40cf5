-- The indexes of penalty_decisions that the queries use, and no others
-- (issue 15 item 2; each justified by an EXPLAIN in doc/schema.md).
-- ix_penalty_decisions_scoring replaces ix_penalty_decisions_enterprise
-- (enterprise_id, id): it still serves one enterprise's decisions in id
-- order (ListPenaltyDecisions, the foreign key) and also holds every column
-- a stored rating is computed from, so rescoring, the daily roll and the
-- start-up backfill read a page of decisions from this index alone.
-- The date indexes served no query: dropping them makes every insert
-- maintain two secondary indexes instead of five. One statement: MySQL
-- commits DDL implicitly, and a single ALTER is applied whole or not at all.
ALTER TABLE penalty_decisions
  ADD KEY ix_penalty_decisions_scoring (enterprise_id, id, decision_date, violation_type, measure_bits, tampering, state),
  DROP KEY ix_penalty_decisions_enterprise,
  DROP KEY ix_penalty_decisions_enterprise_date,
  DROP KEY ix_penalty_decisions_decision_date,
  DROP KEY ix_penalty_decisions_revocation_date;
