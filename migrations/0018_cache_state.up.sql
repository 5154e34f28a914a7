-- The generation of the reference data that each process caches (internal/store/cache.go). Every
-- transaction that changes a cached table moves it on, once per table, as it commits, and tells every
-- process which table changed at which generation (NOTIFY setad_cache, 'generation table'). A request
-- reads the generation with its user; a cached value older than that is not served. The triggers fire for
-- every writer alike: the store's writes, the seed's, the migrations', and SQL typed by hand.
CREATE TABLE cache_state (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    generation bigint NOT NULL
);
INSERT INTO cache_state (generation) VALUES (1);

-- Deferred, so that it runs at commit, after every other lock of the transaction (the audit chain's head
-- included): the row lock on cache_state is the last one taken, which keeps writers from waiting for each
-- other in a circle, and orders the generations as the commits. A transaction notes the tables it has
-- announced in a setting of its own, and announces each once.
CREATE FUNCTION cache_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    announced text := coalesce(current_setting('setad.cache_announced', true), '');
    g bigint;
BEGIN
    IF position(' ' || TG_TABLE_NAME || ' ' IN announced) > 0 THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('setad.cache_announced', announced || ' ' || TG_TABLE_NAME || ' ', true);
    UPDATE cache_state SET generation = generation + 1 RETURNING generation INTO g;
    PERFORM pg_notify('setad_cache', g || ' ' || TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- The cached tables: a table that a cached reader reads gets both triggers here (store.cachedTables).
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['provinces', 'counties', 'districts', 'cities', 'committees', 'election_kinds', 'elections',
                             'board_rules', 'candidate_rules'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER cache_touch AFTER INSERT OR UPDATE OR DELETE ON %I
                        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cache_touch()', t);
        EXECUTE format('CREATE TRIGGER cache_touch_truncate AFTER TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION cache_touch()', t);
    END LOOP;
END $$;
