-- HQ may reopen an approved board (a member registered as a candidate since, say): the board goes back to
-- draft and the approved submission keeps, beside its decision, when and by whom it was reopened and why.
ALTER TABLE board_submissions
    ADD COLUMN reopened_at   timestamptz,
    ADD COLUMN reopened_by   bigint REFERENCES users (id),
    ADD COLUMN reopen_reason text NOT NULL DEFAULT '';

-- The notes on the rules were written for developers, in English only; the rules pages now take notes
-- written for HQ from the message catalogues, in both languages.
ALTER TABLE board_rules DROP COLUMN legal_note;

-- A file of pool entries being previewed, kept until its uploader confirms it (all ready rows or none).
CREATE TABLE board_pool_imports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board_id       bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name      text NOT NULL,
    file_sha256    text NOT NULL,
    ready_count    int NOT NULL DEFAULT 0,
    rejected_count int NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    imported_at    timestamptz
);
CREATE INDEX board_pool_imports_board_idx ON board_pool_imports (board_id);

-- A row that passed every check, as it goes into board_pool at the confirmation.
CREATE TABLE board_pool_import_rows (
    import_id   bigint NOT NULL REFERENCES board_pool_imports (id) ON DELETE CASCADE,
    line        int NOT NULL,
    full_name   text NOT NULL,
    father_name text NOT NULL,
    national_id text NOT NULL,
    phone       text NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- A row that was refused: its cells as read, by column name, and why, as typed messages.
CREATE TABLE board_pool_import_rejects (
    import_id bigint NOT NULL REFERENCES board_pool_imports (id) ON DELETE CASCADE,
    line      int NOT NULL,
    cells     jsonb NOT NULL,
    problems  jsonb NOT NULL,
    PRIMARY KEY (import_id, line)
);
