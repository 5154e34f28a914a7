-- Election systems and their incidents (issue: monitoring). HQ keeps its province's list of election
-- systems, each owned by one of its committees (usually technology). A county or a district reports an
-- incident against a system; the owner committee acknowledges it, works on it with notes and resolves it.
-- The owner is copied onto the incident when it is reported: the committee that acknowledges is the one
-- that owned the system then. The events are the incident's thread.
CREATE TABLE election_systems (
    province_id     bigint NOT NULL REFERENCES provinces (id),
    key             text NOT NULL CHECK (key ~ '^[a-z][a-z0-9-]{1,62}$'),
    name_fa         text NOT NULL CHECK (length(btrim(name_fa)) BETWEEN 1 AND 200),
    name_en         text NOT NULL CHECK (length(btrim(name_en)) BETWEEN 1 AND 200),
    owner_committee text NOT NULL,
    position        int NOT NULL DEFAULT 0,
    retired_at      timestamptz,
    version         int NOT NULL DEFAULT 1,
    PRIMARY KEY (province_id, key),
    FOREIGN KEY (province_id, owner_committee) REFERENCES province_committees (province_id, key)
);

CREATE TABLE incidents (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id     bigint NOT NULL REFERENCES provinces (id),
    county_id       bigint NOT NULL,
    district_id     bigint,                -- set when a district reported it
    system_key      text NOT NULL,
    owner_committee text NOT NULL,
    title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body            text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 20000),
    severity        text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    since           timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    reported_by     bigint NOT NULL REFERENCES users (id),
    reported_at     timestamptz NOT NULL DEFAULT now(),
    acked_by        bigint REFERENCES users (id),
    acked_at        timestamptz,
    resolved_by     bigint REFERENCES users (id),
    resolved_at     timestamptz,
    resolution      text NOT NULL DEFAULT '' CHECK (length(resolution) <= 2000),
    version         int NOT NULL DEFAULT 1,
    UNIQUE (id, county_id),
    FOREIGN KEY (province_id, system_key) REFERENCES election_systems (province_id, key),
    FOREIGN KEY (province_id, owner_committee) REFERENCES province_committees (province_id, key),
    FOREIGN KEY (county_id, province_id) REFERENCES counties (id, province_id),
    FOREIGN KEY (district_id, county_id) REFERENCES districts (id, county_id),
    CHECK ((acked_at IS NULL) = (acked_by IS NULL)),
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL)),
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CHECK (status = 'open' OR acked_at IS NOT NULL),
    CHECK (since <= reported_at + interval '1 hour')
);
CREATE INDEX incidents_open_idx ON incidents (province_id, county_id, severity) WHERE status <> 'resolved';
CREATE INDEX incidents_list_idx ON incidents (province_id, reported_at DESC, id DESC);
CREATE INDEX incidents_committee_idx ON incidents (province_id, owner_committee, status);
CREATE INDEX incidents_county_idx ON incidents (county_id, reported_at DESC);

-- The districts an incident affects, all of the incident's county.
CREATE TABLE incident_districts (
    incident_id bigint NOT NULL,
    county_id   bigint NOT NULL,
    district_id bigint NOT NULL,
    PRIMARY KEY (incident_id, district_id),
    FOREIGN KEY (incident_id, county_id) REFERENCES incidents (id, county_id) ON DELETE CASCADE,
    FOREIGN KEY (district_id, county_id) REFERENCES districts (id, county_id)
);
CREATE INDEX incident_districts_district_idx ON incident_districts (district_id);

-- The thread: the report, the acknowledgement, notes, changes of severity, the resolution, a reopening.
CREATE TABLE incident_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('reported', 'acknowledged', 'note', 'severity', 'resolved', 'reopened')),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    severity    text CHECK (severity IN ('low', 'medium', 'high', 'critical')),   -- the new one, for 'severity'
    by_user     bigint NOT NULL REFERENCES users (id),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_events_idx ON incident_events (incident_id, id);

SELECT data_watch(t) FROM unnest('{election_systems,incidents,incident_districts,incident_events}'::regclass[]) t;

-- The systems are reference data the cache keeps (store.cachedTables), as migration 0018's tables.
CREATE CONSTRAINT TRIGGER cache_touch AFTER INSERT OR UPDATE OR DELETE ON election_systems
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cache_touch();
CREATE TRIGGER cache_touch_truncate AFTER TRUNCATE ON election_systems
    FOR EACH STATEMENT EXECUTE FUNCTION cache_touch();
