-- LookupPublicRating by exact registered name (doc/api.md): one index range
-- per name, credit-code order within it (EXPLAIN in doc/schema.md).
ALTER TABLE enterprises ADD KEY ix_enterprises_name (display_name, credit_code);
