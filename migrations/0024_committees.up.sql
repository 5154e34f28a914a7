-- The committees of each province (issue: committees). The committees table stays the catalogue of the
-- standard committees that every province starts with; a province's HQ renames its own and adds others,
-- so each province keeps its committees here, under keys unique within it. A committee member belongs
-- to a committee of his own province, or, once HQ has taken him off one, to none: he then reads his
-- province and acts on nothing.
CREATE TABLE province_committees (
    province_id bigint NOT NULL REFERENCES provinces (id),
    key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
    name_fa     text NOT NULL CHECK (length(name_fa) BETWEEN 1 AND 100),
    name_en     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
    position    int NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    version     int NOT NULL DEFAULT 1,
    PRIMARY KEY (province_id, key)
);

INSERT INTO province_committees (province_id, key, name_fa, name_en, position)
SELECT p.id, k.key, k.name_fa, k.name_en, k.position FROM provinces p CROSS JOIN committees k;

-- A province added later starts with the standard committees, whoever adds it.
CREATE FUNCTION province_committees_start() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO province_committees (province_id, key, name_fa, name_en, position)
    SELECT NEW.id, k.key, k.name_fa, k.name_en, k.position FROM committees k
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER province_committees_start AFTER INSERT ON provinces
    FOR EACH ROW EXECUTE FUNCTION province_committees_start();

ALTER TABLE users DROP CONSTRAINT users_committee_key_fkey;
ALTER TABLE users ADD CONSTRAINT users_committee_fkey
    FOREIGN KEY (province_id, committee_key) REFERENCES province_committees (province_id, key);
ALTER TABLE users DROP CONSTRAINT users_scope;
ALTER TABLE users ADD CONSTRAINT users_scope CHECK (CASE role
    WHEN 'national'      THEN province_id IS NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'hq'            THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'observer'      THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'committee'     THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL
    WHEN 'governor'      THEN province_id IS NOT NULL AND county_id IS NOT NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'district_head' THEN province_id IS NOT NULL AND county_id IS NOT NULL AND district_id IS NOT NULL AND committee_key IS NULL
END);
CREATE INDEX users_committee_idx ON users (province_id, committee_key) WHERE committee_key IS NOT NULL;
CREATE INDEX users_county_idx ON users (county_id) WHERE county_id IS NOT NULL;
CREATE INDEX users_district_idx ON users (district_id) WHERE district_id IS NOT NULL;

-- The committees are reference data the cache keeps (store.cachedTables), as migration 0018's tables.
CREATE CONSTRAINT TRIGGER cache_touch AFTER INSERT OR UPDATE OR DELETE ON province_committees
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cache_touch();
CREATE TRIGGER cache_touch_truncate AFTER TRUNCATE ON province_committees
    FOR EACH STATEMENT EXECUTE FUNCTION cache_touch();
SELECT data_watch('province_committees');

-- Each user's inbox. A notice is written in the same transaction as the change it tells of (a circular
-- published, a board returned…), or by the sweep for what time brings (a task due in two days); dedup,
-- when set, names the event so that it is told to a user once however often the sweep runs. kind names
-- the event (store.NoticeKinds); subject and subject_id what it links to; title the subject's title when
-- it was told. Reading is the user's own bookkeeping.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    kind       text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    subject    text NOT NULL CHECK (subject ~ '^[a-z_]+$'),
    subject_id bigint NOT NULL,
    title      text NOT NULL DEFAULT '' CHECK (length(title) <= 300),
    dedup      text CHECK (length(dedup) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_dedup_idx ON notifications (user_id, dedup);
SELECT data_watch('notifications');
