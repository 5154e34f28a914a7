DROP TABLE board_pool_import_rejects;
DROP TABLE board_pool_import_rows;
DROP TABLE board_pool_imports;
ALTER TABLE board_rules ADD COLUMN legal_note text NOT NULL DEFAULT '';
ALTER TABLE board_submissions DROP COLUMN reopen_reason, DROP COLUMN reopened_by, DROP COLUMN reopened_at;
