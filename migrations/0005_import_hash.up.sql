-- The SHA-256 of an imported file as it was uploaded, kept from its preview to its confirmation so that
-- the audit row of the import names exactly which file was imported.
ALTER TABLE candidate_imports ADD COLUMN file_sha256 text NOT NULL DEFAULT '';
