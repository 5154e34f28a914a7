-- Sessions of the portal's own, in place of the encoded map of scs: a row under the SHA-256 of its cookie's
-- token (the token itself is never stored), with typed fields for the little a session carries between
-- requests, so that a request reads its session and its user in one query and a page view writes nothing.
-- Live sessions are dropped: everyone signs in again once.
DROP TABLE sessions;
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    -- NULL for an anonymous session, which only carries a flash to the login page.
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    -- The user's session_epoch at login: the session ends when it is raised (password change, disabling).
    epoch      int NOT NULL DEFAULT 0,
    flash      text NOT NULL DEFAULT '',  -- a message key shown once
    flash_form text NOT NULL DEFAULT '',  -- the form the flash is about
    kept_form  text NOT NULL DEFAULT '',  -- the token of a form kept for the user to find on its page
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Renewed at most once a minute: the idle timeout runs from here.
    last_seen  timestamptz NOT NULL DEFAULT now(),
    -- The absolute end, however busy the session.
    expires_at timestamptz NOT NULL
);
