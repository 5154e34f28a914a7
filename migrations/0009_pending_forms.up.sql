-- A form posted after its session had ended, kept for the user whose session it was so that nothing he
-- typed is lost: when he signs in again (on the same browser, within two hours) the page shows it filled
-- in, and nothing is applied until he submits it again. Another user signing in there discards it.
CREATE TABLE pending_forms (
    token       text PRIMARY KEY,                                    -- also in the browser's cookie
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action      text NOT NULL,                                       -- the path it was posted to
    page        text NOT NULL,                                       -- the page that shows the form
    form_values jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- One kept form per user: a newer one replaces it.
CREATE UNIQUE INDEX pending_forms_user_idx ON pending_forms (user_id);
CREATE INDEX pending_forms_created_idx ON pending_forms (created_at);
