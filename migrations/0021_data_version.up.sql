-- The version of everything the pages show (internal/pagecache). Every transaction that changes a watched
-- table moves cache_state.data_version on by one as it commits; a request reads it with its user, and a
-- page drawn at a version is served again only to a request that read the same one. Every table is
-- watched except those no page shows: the sessions, the kept forms, and these bookkeeping tables. A new
-- table is watched by `SELECT data_watch('name')` in its migration (a test checks that none is missed).
ALTER TABLE cache_state ADD COLUMN data_version bigint NOT NULL DEFAULT 1;

-- One row per writing transaction, inserted by the first statement that changes a watched table and
-- removed again at its commit; its deferred trigger moves the version on.
CREATE TABLE data_touch (
    xid bigint PRIMARY KEY
);

-- A statement-level trigger, so that a COPY of many rows costs one check; the transaction notes in a
-- setting of its own that it has touched, and inserts its row once.
CREATE FUNCTION data_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('setad.data_touched', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('setad.data_touched', 'on', true);
    INSERT INTO data_touch (xid) VALUES (txid_current());
    RETURN NULL;
END $$;

-- Deferred, like the reference data's generation (migration 0018), so that it runs at commit after every
-- other lock of the transaction: the version is visible exactly when the change is.
CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cache_state SET data_version = data_version + 1;
    DELETE FROM data_touch WHERE xid = NEW.xid;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER data_version_bump AFTER INSERT ON data_touch
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_version_bump();

-- data_watch gives a table the trigger that moves the version on.
CREATE FUNCTION data_watch(t regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER data_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s
                    FOR EACH STATEMENT EXECUTE FUNCTION data_touch()', t);
END $$;

SELECT data_watch(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
  AND c.relname NOT IN ('sessions', 'pending_forms', 'schema_migrations', 'cache_state', 'data_touch');
