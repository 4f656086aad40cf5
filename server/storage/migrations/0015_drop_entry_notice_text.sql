-- The notices live in publication_notices since 0014.
ALTER TABLE publication_entries DROP COLUMN notice_text;
