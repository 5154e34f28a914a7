-- A county's cities. Each city is a council constituency of its own, with its own population, which
-- decides the education its candidates need; until now the county's row stood for one city, its seat.
-- Codes are slugs shared with the districts' (a candidate's constituency is named by one code), so a
-- city's code is never a district's; the seat keeps the county's code, so that the constituency codes
-- already in use (candidates, their files and events, the audit log) keep naming the same place.
CREATE TABLE cities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    county_id   bigint NOT NULL REFERENCES counties (id),
    district_id bigint,  -- NULL while HQ has not said which district the city lies in
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    name_fa     text NOT NULL CHECK (length(name_fa) BETWEEN 1 AND 100),
    name_en     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 100),
    population  int CHECK (population > 0),  -- NULL until HQ records it
    -- A retired city is no longer offered as a constituency; its candidates keep it.
    retired_at  timestamptz,
    version     int NOT NULL DEFAULT 1,
    UNIQUE (id, county_id),
    FOREIGN KEY (district_id, county_id) REFERENCES districts (id, county_id)
);
CREATE INDEX cities_county_idx ON cities (county_id);

-- Every county's seat, in the county's central district where the reference has one, with the
-- population recorded for the county so far.
INSERT INTO cities (county_id, district_id, code, name_fa, name_en, population)
SELECT c.id, d.id, c.code, c.name_fa, c.name_en, nullif(c.population, 0)
FROM counties c LEFT JOIN districts d ON d.county_id = c.id AND d.code = c.code || '-central'
ORDER BY c.id;
ALTER TABLE counties DROP COLUMN population;

-- A candidate stands in a city (city_id) or in a district's villages (district_id), never both.
ALTER TABLE candidates ADD COLUMN city_id bigint,
    ADD FOREIGN KEY (city_id, county_id) REFERENCES cities (id, county_id);
UPDATE candidates k SET city_id = ci.id
FROM cities ci JOIN counties c ON c.id = ci.county_id AND ci.code = c.code
WHERE k.district_id IS NULL AND ci.county_id = k.county_id;
ALTER TABLE candidates ADD CONSTRAINT candidates_one_constituency CHECK ((city_id IS NULL) <> (district_id IS NULL));
CREATE INDEX candidates_city_idx ON candidates (city_id) WHERE city_id IS NOT NULL;

-- A registration that names its county but neither a city nor a district (as every one did before the
-- cities) stands in the county's seat.
CREATE FUNCTION candidates_seat_city() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.city_id IS NULL AND NEW.district_id IS NULL THEN
        SELECT ci.id INTO NEW.city_id FROM cities ci JOIN counties c ON c.id = ci.county_id AND ci.code = c.code
        WHERE ci.county_id = NEW.county_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER candidates_seat_city BEFORE INSERT ON candidates FOR EACH ROW EXECUTE FUNCTION candidates_seat_city();

-- The ready rows of a candidates file name the city too; a row kept before this migration stands in its
-- county's seat, as above.
ALTER TABLE candidate_import_rows ADD COLUMN city_id bigint;
UPDATE candidate_import_rows r SET city_id = ci.id
FROM cities ci JOIN counties c ON c.id = ci.county_id AND ci.code = c.code
WHERE r.district_id IS NULL AND ci.county_id = r.county_id;

-- A list of cities loaded from a file, between its preview and its confirmation: each row as it will be
-- applied (a new city, or the city it updates), or refused with its cells and problems. Kept per user; a
-- confirmation applies every ready row or none.
CREATE TABLE city_imports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id),
    province_id    bigint NOT NULL REFERENCES provinces (id),
    county_id      bigint NOT NULL REFERENCES counties (id),  -- whose page it was loaded from
    file_name      text NOT NULL,
    file_sha256    text NOT NULL,
    ready_count    int NOT NULL DEFAULT 0,
    rejected_count int NOT NULL DEFAULT 0,
    imported_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE city_import_rows (
    import_id   bigint NOT NULL REFERENCES city_imports (id) ON DELETE CASCADE,
    line        int NOT NULL,
    county_id   bigint,          -- ready rows: the city's county
    city_id     bigint,          -- ready rows: the city it updates; NULL for a new city
    district_id bigint,
    code        text,
    name_fa     text,
    name_en     text,
    population  int,
    cells       jsonb,           -- rejected rows: the cells as read
    problems    jsonb,           -- rejected rows: why; NULL for a ready row
    PRIMARY KEY (import_id, line)
);
