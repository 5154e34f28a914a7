-- The one-time ids of the create forms that were posted, with what each created, so that the same
-- rendered form posted again (a double click) creates nothing more and goes to what the first post did.
-- A row is claimed in the transaction of the create itself; rows older than a day are dropped.
CREATE TABLE form_submissions (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token      text NOT NULL CHECK (token ~ '^[0-9a-f]{32}$'),
    entity     text NOT NULL DEFAULT '',
    entity_id  text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, token)
);
