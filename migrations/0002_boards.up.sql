-- The composition the law requires of each kind of board at each level. Data, not code: seeded from
-- LAW.md by `setad seed`, shown to HQ, uncertain items flagged.
CREATE TABLE board_rules (
    kind          text NOT NULL REFERENCES election_kinds (key),
    level         text NOT NULL CHECK (level IN ('county', 'district')),
    chair_office  text NOT NULL CHECK (chair_office IN ('governor', 'district_head')),
    ex_officio    text[] NOT NULL,
    trusted_main  int NOT NULL CHECK (trusted_main >= 0),
    alternates    int NOT NULL CHECK (alternates >= 0),
    pool_size     int NOT NULL CHECK (pool_size >= 0),
    quorum_num    int NOT NULL DEFAULT 2 CHECK (quorum_num > 0),
    quorum_den    int NOT NULL DEFAULT 3 CHECK (quorum_den >= quorum_num),
    formed_within_days int,
    uncertain     boolean NOT NULL DEFAULT false,
    legal_note    text NOT NULL DEFAULT '',
    version       int NOT NULL DEFAULT 1,
    PRIMARY KEY (kind, level)
);

-- One board per county and per district for every election.
CREATE TABLE boards (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id  bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    level        text NOT NULL CHECK (level IN ('county', 'district')),
    province_id  bigint NOT NULL REFERENCES provinces (id),
    county_id    bigint NOT NULL REFERENCES counties (id),
    district_id  bigint REFERENCES districts (id),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved')),
    return_note  text NOT NULL DEFAULT '',
    pool_approved_on date,
    pool_reference   text NOT NULL DEFAULT '',
    approved_at  timestamptz,
    version      int NOT NULL DEFAULT 1,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((level = 'district') = (district_id IS NOT NULL))
);
CREATE UNIQUE INDEX boards_county_idx ON boards (election_id, county_id) WHERE level = 'county';
CREATE UNIQUE INDEX boards_district_idx ON boards (election_id, district_id) WHERE level = 'district';
CREATE INDEX boards_scope_idx ON boards (province_id, election_id, county_id);

CREATE TABLE board_members (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board_id    bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    full_name   text NOT NULL,
    father_name text NOT NULL DEFAULT '',
    national_id text NOT NULL CHECK (national_id ~ '^[0-9]{10}$'),
    role        text NOT NULL CHECK (role IN ('chair', 'ex_officio', 'trusted', 'alternate', 'secretary')),
    office      text NOT NULL DEFAULT '',
    phone       text NOT NULL DEFAULT '',
    notes       text NOT NULL DEFAULT '',
    version     int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (board_id, national_id)
);
CREATE INDEX board_members_national_id_idx ON board_members (national_id);

-- The trusted people the chair proposes to the supervision board (the pool of 30).
CREATE TABLE board_pool (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board_id    bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    full_name   text NOT NULL,
    father_name text NOT NULL DEFAULT '',
    national_id text NOT NULL CHECK (national_id ~ '^[0-9]{10}$'),
    phone       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (board_id, national_id)
);
CREATE INDEX board_pool_national_id_idx ON board_pool (national_id);

-- Every submission, kept with the members as they were, and HQ's decision on it.
CREATE TABLE board_submissions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board_id     bigint NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    number       int NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    submitted_by bigint REFERENCES users (id),
    members      jsonb NOT NULL,
    decision     text CHECK (decision IN ('approved', 'returned')),
    decided_at   timestamptz,
    decided_by   bigint REFERENCES users (id),
    note         text NOT NULL DEFAULT '',
    UNIQUE (board_id, number)
);

-- Candidates of an election, by national ID; the candidates area extends this table. Boards need it to
-- refuse anyone who is both a candidate and a board or pool member in the same election.
CREATE TABLE candidates (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id  bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    province_id  bigint NOT NULL REFERENCES provinces (id),
    county_id    bigint NOT NULL REFERENCES counties (id),
    full_name    text NOT NULL,
    father_name  text NOT NULL DEFAULT '',
    national_id  text NOT NULL CHECK (national_id ~ '^[0-9]{10}$'),
    status       text NOT NULL DEFAULT 'registered',
    version      int NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (election_id, national_id)
);

-- Every county and district has its (empty, draft) board for every election from the moment either exists.
CREATE FUNCTION boards_for_election() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO boards (election_id, level, province_id, county_id)
    SELECT NEW.id, 'county', c.province_id, c.id FROM counties c;
    INSERT INTO boards (election_id, level, province_id, county_id, district_id)
    SELECT NEW.id, 'district', c.province_id, c.id, d.id FROM districts d JOIN counties c ON c.id = d.county_id;
    RETURN NEW;
END $$;
CREATE TRIGGER elections_boards AFTER INSERT ON elections FOR EACH ROW EXECUTE FUNCTION boards_for_election();

CREATE FUNCTION boards_for_county() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO boards (election_id, level, province_id, county_id)
    SELECT e.id, 'county', NEW.province_id, NEW.id FROM elections e;
    RETURN NEW;
END $$;
CREATE TRIGGER counties_boards AFTER INSERT ON counties FOR EACH ROW EXECUTE FUNCTION boards_for_county();

CREATE FUNCTION boards_for_district() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO boards (election_id, level, province_id, county_id, district_id)
    SELECT e.id, 'district', c.province_id, c.id, NEW.id FROM elections e, counties c WHERE c.id = NEW.county_id;
    RETURN NEW;
END $$;
CREATE TRIGGER districts_boards AFTER INSERT ON districts FOR EACH ROW EXECUTE FUNCTION boards_for_district();

INSERT INTO boards (election_id, level, province_id, county_id)
SELECT e.id, 'county', c.province_id, c.id FROM elections e, counties c;
INSERT INTO boards (election_id, level, province_id, county_id, district_id)
SELECT e.id, 'district', c.province_id, c.id, d.id FROM elections e, districts d JOIN counties c ON c.id = d.county_id;
