-- Readiness checks (issue: monitoring). HQ defines checklists for an election, each due once on a day or
-- daily over a span of days; every county (and every district, where HQ says so) files a check for each of
-- its days, item by item, each with a note. HQ sees who has not filed. A filing is kept for one day of the
-- check (the due day of a check due once); the store refuses any other day, and a district's filing of a
-- check that does not include districts, so that what was missed can be counted from the days alone.
CREATE TABLE readiness_checks (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id       bigint NOT NULL REFERENCES provinces (id),
    election_id       bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    title             text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    cadence           text NOT NULL CHECK (cadence IN ('once', 'daily')),
    due_date          date,
    starts_on         date,
    ends_on           date,
    include_districts boolean NOT NULL DEFAULT false,
    created_by        bigint NOT NULL REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    retired_at        timestamptz,
    version           int NOT NULL DEFAULT 1,
    CHECK (cadence = 'once' AND due_date IS NOT NULL AND starts_on IS NULL AND ends_on IS NULL
        OR cadence = 'daily' AND due_date IS NULL AND ends_on >= starts_on AND ends_on - starts_on <= 400)
);
CREATE INDEX readiness_checks_idx ON readiness_checks (province_id, election_id) WHERE retired_at IS NULL;

-- A check's items, in order. An item taken out of a check that has filings is retired, not deleted.
CREATE TABLE readiness_items (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    check_id   bigint NOT NULL REFERENCES readiness_checks (id) ON DELETE CASCADE,
    position   int NOT NULL,
    text       text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 300),
    retired_at timestamptz,
    UNIQUE (check_id, position),
    UNIQUE (id, check_id)
);

-- A place's filing of a check for one of its days.
CREATE TABLE readiness_filings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    check_id    bigint NOT NULL REFERENCES readiness_checks (id) ON DELETE CASCADE,
    province_id bigint NOT NULL,
    county_id   bigint NOT NULL,
    district_id bigint,
    day         date NOT NULL,
    filed_by    bigint NOT NULL REFERENCES users (id),
    filed_at    timestamptz NOT NULL DEFAULT now(),
    version     int NOT NULL DEFAULT 1,
    FOREIGN KEY (county_id, province_id) REFERENCES counties (id, province_id),
    FOREIGN KEY (district_id, county_id) REFERENCES districts (id, county_id),
    UNIQUE NULLS NOT DISTINCT (check_id, county_id, district_id, day),
    UNIQUE (id, check_id)
);
CREATE INDEX readiness_filings_place_idx ON readiness_filings (province_id, county_id, district_id, day) INCLUDE (check_id);

-- A filing's answer to each item: done or not, with a note.
CREATE TABLE readiness_answers (
    filing_id bigint NOT NULL,
    check_id  bigint NOT NULL,
    item_id   bigint NOT NULL,
    ok        boolean NOT NULL,
    note      text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    PRIMARY KEY (filing_id, item_id),
    FOREIGN KEY (filing_id, check_id) REFERENCES readiness_filings (id, check_id) ON DELETE CASCADE,
    FOREIGN KEY (item_id, check_id) REFERENCES readiness_items (id, check_id)
);

SELECT data_watch(t) FROM unnest('{readiness_checks,readiness_items,readiness_filings,readiness_answers}'::regclass[]) t;
