-- The repairs granted before applications were kept (migration 0011) become
-- granted applications, so ListRepairs shows every repair.
INSERT INTO repair_applications (enterprise_id, credit_code, listing_date,
  rectification_date, penalty_performed, commitment, note, state, applicant,
  apply_time, decide_time, repair_id)
SELECT enterprise_id, credit_code, listing_date, rectification_date,
  penalty_performed, commitment, note, 1, '', grant_time, grant_time, id
FROM list_repairs;
