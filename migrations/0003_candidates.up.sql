-- Candidates in full: who registered where, the registration checks' inputs, and the lifecycle.
ALTER TABLE candidates
    ADD COLUMN district_id      bigint REFERENCES districts (id),
    ADD COLUMN name_norm        text NOT NULL DEFAULT '',
    ADD COLUMN gender           text NOT NULL DEFAULT 'male' CHECK (gender IN ('male', 'female')),
    ADD COLUMN birth_date       date,
    ADD COLUMN education        text NOT NULL DEFAULT 'literate'
        CHECK (education IN ('literate', 'diploma', 'associate', 'bachelor', 'master', 'doctorate')),
    ADD COLUMN occupation       text NOT NULL DEFAULT '',
    ADD COLUMN phone            text NOT NULL DEFAULT '',
    ADD COLUMN tracking_id      text NOT NULL DEFAULT '',
    ADD COLUMN veteran          boolean NOT NULL DEFAULT false,
    ADD COLUMN military_service text NOT NULL DEFAULT '',
    ADD COLUMN listed_post      boolean NOT NULL DEFAULT false,
    ADD COLUMN certificate_date date,
    ADD COLUMN resignation_date date,
    ADD COLUMN registered_by    bigint REFERENCES users (id),
    ADD COLUMN announced_at     timestamptz,
    ADD COLUMN constituency_changes int NOT NULL DEFAULT 0,
    ADD COLUMN updated_at       timestamptz NOT NULL DEFAULT now();
-- The defaults only fill rows that predate this migration; the application always gives both.
ALTER TABLE candidates ALTER COLUMN gender DROP DEFAULT, ALTER COLUMN education DROP DEFAULT;
ALTER TABLE candidates ADD CONSTRAINT candidates_status_check CHECK (status IN ('registered', 'under_review',
    'exec_approved', 'exec_rejected', 'supervision_review', 'preliminary_announced', 'objection_filed',
    'objection_accepted', 'objection_rejected', 'final_qualified', 'final_disqualified', 'withdrawn'));

-- Sizes that decide the education a constituency requires; unknown (NULL) until HQ enters them.
ALTER TABLE counties ADD COLUMN population int CHECK (population >= 0);
ALTER TABLE districts ADD COLUMN households int CHECK (households >= 0);

-- Search by name must stay fast at country scale: trigram index on the normalised name.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX candidates_name_trgm_idx ON candidates USING gin (name_norm gin_trgm_ops);
CREATE INDEX candidates_scope_idx ON candidates (election_id, province_id, county_id, status);
CREATE INDEX candidates_province_name_idx ON candidates (election_id, province_id, name_norm, id);
CREATE INDEX candidates_national_id_idx ON candidates (national_id);
CREATE INDEX candidates_tracking_idx ON candidates (tracking_id);

-- The numbers of the registration checks and the lifecycle, per election kind: data, seeded from LAW.md.
CREATE TABLE candidate_rules (
    kind                     text PRIMARY KEY REFERENCES election_kinds (key),
    min_age                  int NOT NULL CHECK (min_age > 0),
    age_on_election_day      boolean NOT NULL DEFAULT false,
    village_small_households int NOT NULL CHECK (village_small_households >= 0),
    city_small_population    int NOT NULL CHECK (city_small_population >= 0),
    certificate_max_months   int NOT NULL CHECK (certificate_max_months > 0),
    resignation_min_months   int NOT NULL CHECK (resignation_min_months >= 0),
    objection_days           int NOT NULL CHECK (objection_days > 0),
    constituency_change_until_days int NOT NULL CHECK (constituency_change_until_days >= 0),
    max_constituency_changes int NOT NULL CHECK (max_constituency_changes >= 0),
    uncertain                boolean NOT NULL DEFAULT false,
    version                  int NOT NULL DEFAULT 1
);

-- Every status change: who, when, why.
CREATE TABLE candidate_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidate_id bigint NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_id     bigint REFERENCES users (id),
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    reason       text NOT NULL DEFAULT ''
);
CREATE INDEX candidate_events_candidate_idx ON candidate_events (candidate_id, at);

-- HQ's recorded judgement where the law leaves it (never for a duplicate or an invalid national ID).
CREATE TABLE candidate_overrides (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidate_id bigint NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    field        text NOT NULL,
    code         text NOT NULL,
    reason       text NOT NULL,
    actor_id     bigint REFERENCES users (id),
    at           timestamptz NOT NULL DEFAULT now()
);

-- An uploaded file between its preview and its confirmation: the rows ready to import and the rejected
-- rows with their reasons. Kept per user; a confirmation imports all ready rows or none.
CREATE TABLE candidate_imports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    election_id bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    file_name   text NOT NULL,
    ready       jsonb NOT NULL,
    rejected    jsonb NOT NULL,
    imported_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
