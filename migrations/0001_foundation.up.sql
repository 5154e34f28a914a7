-- Reference geography. Codes are stable slugs used in URLs and on the command line.
CREATE TABLE provinces (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code    text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    name_fa text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE counties (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id bigint NOT NULL REFERENCES provinces (id),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    name_fa     text NOT NULL,
    name_en     text NOT NULL,
    UNIQUE (id, province_id)
);
CREATE INDEX counties_province_idx ON counties (province_id);

CREATE TABLE districts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    county_id bigint NOT NULL REFERENCES counties (id),
    code      text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    name_fa   text NOT NULL,
    name_en   text NOT NULL,
    UNIQUE (id, county_id)
);
CREATE INDEX districts_county_idx ON districts (county_id);

CREATE TABLE committees (
    key     text PRIMARY KEY CHECK (key ~ '^[a-z_]+$'),
    name_fa text NOT NULL,
    name_en text NOT NULL,
    position int NOT NULL DEFAULT 0
);

CREATE TABLE election_kinds (
    key         text PRIMARY KEY CHECK (key ~ '^[a-z_]+$'),
    name_fa     text NOT NULL,
    name_en     text NOT NULL,
    position    int NOT NULL DEFAULT 0
);

CREATE TABLE elections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    kind        text NOT NULL REFERENCES election_kinds (key),
    -- A by-election follows the rules of its parent kind; no other election has a parent.
    parent_kind text REFERENCES election_kinds (key),
    title_fa    text NOT NULL,
    title_en    text NOT NULL,
    election_day date NOT NULL,
    is_current  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'by_election') = (parent_kind IS NOT NULL) AND parent_kind IS DISTINCT FROM 'by_election')
);
-- At most one election is the current one.
CREATE UNIQUE INDEX elections_one_current ON elections (is_current) WHERE is_current;

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
    full_name     text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    role          text NOT NULL CHECK (role IN ('hq', 'governor', 'district_head', 'committee', 'observer', 'national')),
    province_id   bigint REFERENCES provinces (id),
    county_id     bigint REFERENCES counties (id),
    district_id   bigint REFERENCES districts (id),
    committee_key text REFERENCES committees (key),
    password_hash text NOT NULL,
    lang          text NOT NULL DEFAULT 'fa' CHECK (lang IN ('fa', 'en')),
    locked_until  timestamptz,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       int NOT NULL DEFAULT 1,
    -- Raised when the password changes or the account is disabled: sessions from before stop working.
    session_epoch int NOT NULL DEFAULT 1,
    -- The scope a role needs, and nothing more, so a row can never widen its own scope.
    CONSTRAINT users_scope CHECK (CASE role
        WHEN 'national'      THEN province_id IS NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
        WHEN 'hq'            THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
        WHEN 'observer'      THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
        WHEN 'committee'     THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NOT NULL
        WHEN 'governor'      THEN province_id IS NOT NULL AND county_id IS NOT NULL AND district_id IS NULL AND committee_key IS NULL
        WHEN 'district_head' THEN province_id IS NOT NULL AND county_id IS NOT NULL AND district_id IS NOT NULL AND committee_key IS NULL
    END),
    FOREIGN KEY (county_id, province_id) REFERENCES counties (id, province_id),
    FOREIGN KEY (district_id, county_id) REFERENCES districts (id, county_id)
);
CREATE UNIQUE INDEX users_username_idx ON users (lower(username));
CREATE INDEX users_province_idx ON users (province_id);

-- Failed logins, by the name typed (known or not) and by address: the lock-out and the per-address limit
-- count these, so an unknown name is treated exactly like a known one.
CREATE TABLE login_failures (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username  text NOT NULL,
    remote    text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_username_idx ON login_failures (username, at);
CREATE INDEX login_failures_remote_idx ON login_failures (remote, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- Sessions (scs pgxstore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- The hash-chained audit log. detail is json (not jsonb) so the stored text is exactly the hashed text.
CREATE TABLE audit_log (
    id          bigint PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor_id    bigint REFERENCES users (id),
    actor       text NOT NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text NOT NULL DEFAULT '',
    province_id bigint REFERENCES provinces (id),
    remote      text NOT NULL DEFAULT '',
    detail      json NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL UNIQUE
);
CREATE SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_province_idx ON audit_log (province_id, id);

-- The head of the chain: one row, locked by every writer, so appends are serialised and the chain cannot
-- fork; it also lets verification notice a removed last row.
CREATE TABLE audit_head (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    last_id   bigint NOT NULL,
    last_hash text NOT NULL
);
INSERT INTO audit_head (last_id, last_hash) VALUES (0, '');
