ALTER TABLE ics_tokens DROP COLUMN epoch;
