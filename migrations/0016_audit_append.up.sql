-- The audit append as one statement: audit_append locks the chain's head, draws the rows' numbers,
-- hashes each row exactly as audit.Hash does in Go and inserts it, and moves the head, all in the one
-- round trip of its call. A writer then holds the head, which every writer waits for, only for the
-- time PostgreSQL takes to run it, not for four trips between the server and the database.

-- audit_field is one field of a row's hashed encoding: its length in bytes as 8 big-endian bytes, then
-- its bytes in UTF-8.
CREATE FUNCTION audit_field(s text) RETURNS bytea
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN int8send(octet_length(convert_to(s, 'UTF8'))::int8) || convert_to(s, 'UTF8');

-- audit_time_text writes a time as Go's time.RFC3339Nano does in UTC: seconds, then the fraction without
-- its trailing zeros (none at all on a whole second), then Z.
CREATE FUNCTION audit_time_text(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
    || coalesce(nullif(rtrim('.' || to_char(t AT TIME ZONE 'UTC', 'US'), '0'), '.'), '')
    || 'Z';

-- audit_append chains one transaction's entries by one actor, in the order of the arrays (one element
-- per entry; 0 stands for no actor id and no province), at one time: the clock's when at is NULL.
CREATE FUNCTION audit_append(actor_id bigint, actor text, remote text, actions text[], entities text[],
                             entity_ids text[], province_ids bigint[], details text[], at timestamptz DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n    int := coalesce(cardinality(actions), 0);
    prev text;
    id   bigint;
    t    timestamptz;
    tt   text;
BEGIN
    IF coalesce(cardinality(entities), 0) <> n OR coalesce(cardinality(entity_ids), 0) <> n
       OR coalesce(cardinality(province_ids), 0) <> n OR coalesce(cardinality(details), 0) <> n THEN
        RAISE EXCEPTION 'audit_append: the arrays differ in length';
    END IF;
    IF n = 0 THEN
        RETURN;
    END IF;
    SELECT h.last_hash INTO prev FROM audit_head h FOR UPDATE;
    -- Taken under the lock, so that the rows' times follow the chain's order.
    t := coalesce(at, clock_timestamp());
    tt := audit_time_text(t);
    FOR i IN 1 .. n LOOP
        -- Numbers drawn under the lock follow the chain's order.
        id := nextval('audit_log_id_seq');
        INSERT INTO audit_log (id, at, actor_id, actor, action, entity, entity_id, province_id, remote, detail, prev_hash, hash)
        VALUES (id, t, nullif(audit_append.actor_id, 0), audit_append.actor, actions[i], entities[i], entity_ids[i],
                nullif(province_ids[i], 0), audit_append.remote, details[i]::json, prev,
                encode(sha256(audit_field(id::text) || audit_field(tt) || audit_field(audit_append.actor_id::text)
                    || audit_field(audit_append.actor) || audit_field(actions[i]) || audit_field(entities[i])
                    || audit_field(entity_ids[i]) || audit_field(province_ids[i]::text) || audit_field(audit_append.remote)
                    || audit_field(details[i]) || audit_field(prev)), 'hex'))
        RETURNING hash INTO prev;
    END LOOP;
    UPDATE audit_head SET last_id = id, last_hash = prev;
END
$$;
