-- The timeline of an election (issue 10): its milestones as offsets in days from election day, so that
-- every date moves with the day; who marked which one done where; the moves of election days; and the
-- calendar feeds' tokens.

-- The milestones of each election kind. The law's are national (province_id NULL, legal), kept by the
-- national HQ and seeded from LAW.md; a province's HQ adds administrative ones of its own province, which
-- its counties see beside the law's. A by-election follows its parent kind's, so none is of that kind.
-- Retired ones are kept for the marks and the audit log that name them. A gate names the action of the
-- portal that the milestone's window governs (registration, objection, change of constituency) or the
-- board whose formation it dates: only the law's milestones gate, one live milestone per gate and kind.
CREATE TABLE milestones (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text NOT NULL REFERENCES election_kinds (key) CHECK (kind <> 'by_election'),
    province_id       bigint REFERENCES provinces (id),
    code              text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    title_fa          text NOT NULL CHECK (length(btrim(title_fa)) BETWEEN 1 AND 200),
    title_en          text NOT NULL CHECK (length(btrim(title_en)) BETWEEN 1 AND 200),
    description_fa    text NOT NULL DEFAULT '' CHECK (length(description_fa) <= 2000),
    description_en    text NOT NULL DEFAULT '' CHECK (length(description_en) <= 2000),
    legal_ref         text NOT NULL DEFAULT '' CHECK (length(legal_ref) <= 200),
    level             text NOT NULL CHECK (level IN ('province', 'county', 'district', 'candidates')),
    -- For the candidates' windows: those of city constituencies, of villages, or '' for both.
    constituency_kind text NOT NULL DEFAULT '' CHECK (constituency_kind IN ('', 'city', 'village')),
    start_offset      int NOT NULL CHECK (start_offset BETWEEN -400 AND 400),
    end_offset        int NOT NULL CHECK (end_offset BETWEEN -400 AND 400),
    legal             boolean NOT NULL,
    gate              text NOT NULL DEFAULT '' CHECK (gate IN ('', 'registration_city', 'registration_village', 'objection',
                                                               'constituency_change', 'board_county', 'board_district')),
    position          int NOT NULL DEFAULT 0,
    retired_at        timestamptz,
    version           int NOT NULL DEFAULT 1,
    CHECK (end_offset >= start_offset),
    CHECK (legal = (province_id IS NULL)),
    CHECK (gate = '' OR legal),
    CHECK (constituency_kind = '' OR level = 'candidates'),
    CONSTRAINT milestones_code_key UNIQUE NULLS NOT DISTINCT (kind, province_id, code)
);
CREATE UNIQUE INDEX milestones_gate_idx ON milestones (kind, gate) WHERE gate <> '' AND retired_at IS NULL;
-- A province's page reads the law's milestones of a kind and its own.
CREATE INDEX milestones_kind_idx ON milestones (kind, province_id);

-- A milestone marked done for an election at one place: a province (county_id NULL), a county
-- (district_id NULL) or a district. Undoing a mark deletes it; the audit log keeps who undid it and why.
CREATE TABLE milestone_marks (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id  bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    milestone_id bigint NOT NULL REFERENCES milestones (id),
    province_id  bigint NOT NULL REFERENCES provinces (id),
    county_id    bigint,
    district_id  bigint,
    done_at      timestamptz NOT NULL DEFAULT now(),
    done_by      bigint NOT NULL REFERENCES users (id),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    CHECK (district_id IS NULL OR county_id IS NOT NULL),
    FOREIGN KEY (county_id, province_id) REFERENCES counties (id, province_id),
    FOREIGN KEY (district_id, county_id) REFERENCES districts (id, county_id),
    -- With the province: every province marks the law's province-level milestones for itself.
    CONSTRAINT milestone_marks_place_key UNIQUE NULLS NOT DISTINCT (election_id, milestone_id, province_id, county_id, district_id)
);
-- The marks of an election in a scope: a province's, a county's (with its districts'), a district's.
CREATE INDEX milestone_marks_scope_idx ON milestone_marks (election_id, province_id, county_id, district_id);
CREATE INDEX milestone_marks_milestone_idx ON milestone_marks (milestone_id);

-- Every move of an election day, with the day before and after and why; the home pages show the latest.
CREATE TABLE election_day_moves (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    old_day     date NOT NULL,
    new_day     date NOT NULL CHECK (new_day <> old_day),
    reason      text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 1000),
    moved_by    bigint REFERENCES users (id), -- NULL: the command line
    moved_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX election_day_moves_election_idx ON election_day_moves (election_id, id);

-- A user's calendar feed token, as its SHA-256 only: calendar apps cannot sign in, so the token is the
-- feed's only credential. A new one replaces the old, which stops working at once.
CREATE TABLE ics_tokens (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

SELECT data_watch('milestones');
SELECT data_watch('milestone_marks');
SELECT data_watch('election_day_moves');
SELECT data_watch('ics_tokens');

-- The milestones are reference data that many pages read: the cache keeps them (store.cachedTables), and
-- these triggers tell every process of a change, as migration 0018 does for the other cached tables.
CREATE CONSTRAINT TRIGGER cache_touch AFTER INSERT OR UPDATE OR DELETE ON milestones
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cache_touch();
CREATE TRIGGER cache_touch_truncate AFTER TRUNCATE ON milestones
    FOR EACH STATEMENT EXECUTE FUNCTION cache_touch();
