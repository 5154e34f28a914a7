-- A calendar feed token belongs to the sign-ins of its user's session_epoch: a new password (set by the
-- user or reset by HQ) or a disabled account ends the feed with the sessions, and a new address is to be
-- made on the profile page.
ALTER TABLE ics_tokens ADD COLUMN epoch int;
UPDATE ics_tokens t SET epoch = u.session_epoch FROM users u WHERE u.id = t.user_id;
ALTER TABLE ics_tokens ALTER COLUMN epoch SET NOT NULL;
