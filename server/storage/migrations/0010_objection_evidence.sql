-- The evidence references of an objection (lists.proto Objection.evidence):
-- at most 10 of at most 500 characters, one per line.
ALTER TABLE objections ADD COLUMN evidence VARCHAR(5100) NOT NULL DEFAULT '';
