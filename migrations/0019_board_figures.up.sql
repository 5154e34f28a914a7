-- The figures the boards list shows of every board, kept by triggers in the transaction of every write that
-- changes them, so that the list, the home page and a board's page read one row per board instead of
-- counting its members and pool and probing each person against the election's candidates on every view:
-- members and pool are how many people sit on the board and its pool; conflicts how many distinct national
-- IDs among them are candidates in the board's election; reopened whether the board's latest submission was
-- reopened by HQ (the list shows it only while the board is a draft).
--
-- The figures are a table of their own, not columns of boards, for the sake of the lock order. A board's
-- writer locks the board's row, then its election's registration lock (pg_advisory_xact_lock of
-- 'candidates:' and the election's id), then the audit head; a registration takes the registration lock,
-- then the audit head, and never a board's row. A candidate's registration changes the conflicts of the
-- boards its person sits on: a row of board_figures, locked only under the registration lock, never the
-- board's row, so no writer waits for a lock its waiter holds.
CREATE TABLE board_figures (
    board_id  bigint PRIMARY KEY REFERENCES boards (id) ON DELETE CASCADE,
    members   int NOT NULL DEFAULT 0 CHECK (members >= 0),
    pool      int NOT NULL DEFAULT 0 CHECK (pool >= 0),
    conflicts int NOT NULL DEFAULT 0 CHECK (conflicts >= 0),
    reopened  boolean NOT NULL DEFAULT false
);

-- board_figures_count recounts the members, pool and conflicts of the boards named. It first takes their
-- elections' registration locks, in election order, then their rows of board_figures, in board order; only
-- then does it count, in a statement of its own that sees whatever a writer it waited for committed. A
-- person enters a board or the candidates only under the registration lock, so no entry can pass a count
-- unseen. Recounting, rather than adding and taking away, keeps a person who is both a member and in the
-- pool one conflict.
CREATE FUNCTION board_figures_count(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE e bigint;
BEGIN
    IF coalesce(cardinality(ids), 0) = 0 THEN
        RETURN;
    END IF;
    FOR e IN SELECT DISTINCT election_id FROM boards WHERE id = ANY (ids) ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtext('candidates:' || e));
    END LOOP;
    PERFORM 1 FROM board_figures WHERE board_id = ANY (ids) ORDER BY board_id FOR UPDATE;
    UPDATE board_figures f
    SET members = (SELECT count(*) FROM board_members m WHERE m.board_id = b.id),
        pool = (SELECT count(*) FROM board_pool p WHERE p.board_id = b.id),
        conflicts = (SELECT count(*)
                     FROM (SELECT national_id FROM board_members WHERE board_id = b.id
                           UNION SELECT national_id FROM board_pool WHERE board_id = b.id) n
                     WHERE EXISTS (SELECT FROM candidates k WHERE k.election_id = b.election_id AND k.national_id = n.national_id))
    FROM boards b
    WHERE b.id = f.board_id AND f.board_id = ANY (ids);
END $$;

-- A board is born with no one on it.
CREATE FUNCTION board_figures_board() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO board_figures (board_id) SELECT id FROM new_rows;
    RETURN NULL;
END $$;
CREATE TRIGGER board_figures_board AFTER INSERT ON boards REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_board();

-- Members and pool (the same function for both tables): the boards a statement added people to or took
-- them from; an update only when it moved a person or changed a national ID, not for a corrected name.
CREATE FUNCTION board_figures_people_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM board_figures_count(ARRAY(SELECT DISTINCT board_id FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION board_figures_people_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM board_figures_count(ARRAY(
        SELECT DISTINCT unnest(ARRAY[o.board_id, n.board_id])
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE o.board_id <> n.board_id OR o.national_id <> n.national_id));
    RETURN NULL;
END $$;

CREATE FUNCTION board_figures_people_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM board_figures_count(ARRAY(SELECT DISTINCT board_id FROM old_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION board_figures_people_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM board_figures_count(ARRAY(SELECT board_id FROM board_figures));
    RETURN NULL;
END $$;

CREATE TRIGGER board_figures_insert AFTER INSERT ON board_members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_insert();
CREATE TRIGGER board_figures_update AFTER UPDATE ON board_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_update();
CREATE TRIGGER board_figures_delete AFTER DELETE ON board_members REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_delete();
CREATE TRIGGER board_figures_truncate AFTER TRUNCATE ON board_members
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_truncate();

CREATE TRIGGER board_figures_insert AFTER INSERT ON board_pool REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_insert();
CREATE TRIGGER board_figures_update AFTER UPDATE ON board_pool REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_update();
CREATE TRIGGER board_figures_delete AFTER DELETE ON board_pool REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_delete();
CREATE TRIGGER board_figures_truncate AFTER TRUNCATE ON board_pool
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_people_truncate();

-- Candidates: a registration, an import's or the synthetic loader's COPY, a correction of a national ID, a
-- move to another election, a delete. The statement's people, by election and national ID, are looked up
-- on the boards of their election; the registration lock is taken before the look-up (a registration
-- already holds it; the synthetic loader does not), so that a person being seated meanwhile is seen. An
-- update that keeps every national ID and election (a change of status, a corrected name) costs nothing.
-- board_figures_candidates recounts the boards on which sit the people given by election (es) and national
-- ID (ns), two arrays of one length.
CREATE FUNCTION board_figures_candidates(es bigint[], ns text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE e bigint;
BEGIN
    IF cardinality(es) IS NULL THEN
        RETURN;
    END IF;
    FOR e IN SELECT DISTINCT x FROM unnest(es) x ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtext('candidates:' || e));
    END LOOP;
    PERFORM board_figures_count(ARRAY(
        SELECT DISTINCT x.board_id
        FROM (SELECT board_id, national_id FROM board_members UNION ALL SELECT board_id, national_id FROM board_pool) x
        JOIN boards b ON b.id = x.board_id
        JOIN unnest(es, ns) k (election_id, national_id) ON k.national_id = x.national_id AND k.election_id = b.election_id));
END $$;

CREATE FUNCTION board_figures_candidates_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE es bigint[]; ns text[];
BEGIN
    SELECT array_agg(election_id), array_agg(national_id) INTO es, ns FROM new_rows;
    PERFORM board_figures_candidates(es, ns);
    RETURN NULL;
END $$;

CREATE FUNCTION board_figures_candidates_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE es bigint[]; ns text[];
BEGIN
    SELECT array_agg(x.election_id), array_agg(x.national_id) INTO es, ns
    FROM old_rows o JOIN new_rows n ON n.id = o.id,
         LATERAL (VALUES (o.election_id, o.national_id), (n.election_id, n.national_id)) x (election_id, national_id)
    WHERE o.national_id <> n.national_id OR o.election_id <> n.election_id;
    PERFORM board_figures_candidates(es, ns);
    RETURN NULL;
END $$;

CREATE FUNCTION board_figures_candidates_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE es bigint[]; ns text[];
BEGIN
    SELECT array_agg(election_id), array_agg(national_id) INTO es, ns FROM old_rows;
    PERFORM board_figures_candidates(es, ns);
    RETURN NULL;
END $$;

CREATE FUNCTION board_figures_candidates_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE board_figures SET conflicts = 0 WHERE conflicts <> 0;
    RETURN NULL;
END $$;

CREATE TRIGGER board_figures_insert AFTER INSERT ON candidates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_candidates_insert();
CREATE TRIGGER board_figures_update AFTER UPDATE ON candidates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_candidates_update();
CREATE TRIGGER board_figures_delete AFTER DELETE ON candidates REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_candidates_delete();
CREATE TRIGGER board_figures_truncate AFTER TRUNCATE ON candidates
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_candidates_truncate();

-- Submissions: a submission, a decision or a reopening, each under the board's row lock (so no registration
-- lock is needed: none of them changes who sits on the board).
CREATE FUNCTION board_figures_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE board_figures f
    SET reopened = coalesce((SELECT s.reopened_at IS NOT NULL FROM board_submissions s
                             WHERE s.board_id = f.board_id ORDER BY s.number DESC LIMIT 1), false)
    WHERE f.board_id IN (SELECT board_id FROM new_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER board_figures_insert AFTER INSERT ON board_submissions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_submissions();
CREATE TRIGGER board_figures_update AFTER UPDATE ON board_submissions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION board_figures_submissions();

-- The triggers hold their tables' locks from here to the commit: no write falls between them and the
-- back-fill.
INSERT INTO board_figures (board_id, members, pool, conflicts, reopened)
SELECT b.id,
       (SELECT count(*) FROM board_members m WHERE m.board_id = b.id),
       (SELECT count(*) FROM board_pool p WHERE p.board_id = b.id),
       (SELECT count(*)
        FROM (SELECT national_id FROM board_members WHERE board_id = b.id
              UNION SELECT national_id FROM board_pool WHERE board_id = b.id) n
        WHERE EXISTS (SELECT FROM candidates k WHERE k.election_id = b.election_id AND k.national_id = n.national_id)),
       coalesce((SELECT s.reopened_at IS NOT NULL FROM board_submissions s
                 WHERE s.board_id = b.id ORDER BY s.number DESC LIMIT 1), false)
FROM boards b;
ANALYZE board_figures;
