ALTER TABLE candidate_imports DROP COLUMN file_sha256;
