-- The rows of a previewed file, one table row each, instead of two JSON values holding the whole file:
-- the preview writes them in batches while it reads the file, shows a page of each kind, and the
-- confirmation reads the ready ones back in batches, so that no step holds a whole file in memory.
ALTER TABLE candidate_imports
    ADD COLUMN ready_count    int NOT NULL DEFAULT 0,
    ADD COLUMN rejected_count int NOT NULL DEFAULT 0;

-- A row that passed every check: the registration as it goes into candidates at the confirmation (the
-- place ids are checked there, by candidates' own keys). name_norm is not kept: it is computed when the
-- row is imported, so that it follows persian.Normalize as it is then.
CREATE TABLE candidate_import_rows (
    import_id        bigint NOT NULL REFERENCES candidate_imports (id) ON DELETE CASCADE,
    line             int NOT NULL,
    province_id      bigint NOT NULL,
    county_id        bigint NOT NULL,
    district_id      bigint,
    full_name        text NOT NULL,
    father_name      text NOT NULL,
    national_id      text NOT NULL,
    gender           text NOT NULL,
    birth_date       date NOT NULL,
    education        text NOT NULL,
    occupation       text NOT NULL,
    phone            text NOT NULL,
    tracking_id      text NOT NULL,
    veteran          boolean NOT NULL,
    military_service text NOT NULL,
    listed_post      boolean NOT NULL,
    certificate_date date,
    resignation_date date,
    PRIMARY KEY (import_id, line)
);

-- A row that was refused: its cells as read, by column name, and why, as typed messages (rendered in the
-- language of whoever reads the preview or rejected.csv).
CREATE TABLE candidate_import_rejects (
    import_id bigint NOT NULL REFERENCES candidate_imports (id) ON DELETE CASCADE,
    line      int NOT NULL,
    cells     jsonb NOT NULL,
    problems  jsonb NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- Previews kept so far move over; ready rows were JSON of store.ReadyRow, whose registration has no
-- JSON names (dates as RFC 3339 instants whose first ten characters are the calendar day).
INSERT INTO candidate_import_rows (import_id, line, province_id, county_id, district_id, full_name, father_name,
    national_id, gender, birth_date, education, occupation, phone, tracking_id, veteran, military_service,
    listed_post, certificate_date, resignation_date)
SELECT i.id, (r->>'line')::int, (c->'Constituency'->>'ProvinceID')::bigint, (c->'Constituency'->>'CountyID')::bigint,
       nullif((c->'Constituency'->>'DistrictID')::bigint, 0), c->>'FullName', c->>'FatherName', c->>'NationalID',
       c->>'Gender', left(c->>'BirthDate', 10)::date, c->>'Education', c->>'Occupation', c->>'Phone',
       c->>'TrackingID', (c->>'Veteran')::boolean, c->>'MilitaryService', (c->>'ListedPost')::boolean,
       left(c->>'CertificateDate', 10)::date, left(c->>'ResignationDate', 10)::date
FROM candidate_imports i
CROSS JOIN jsonb_array_elements(i.ready) r
CROSS JOIN LATERAL (SELECT r->'candidate' AS c) x;

INSERT INTO candidate_import_rejects (import_id, line, cells, problems)
SELECT i.id, (r->>'line')::int, coalesce(r->'values', '{}'), coalesce(r->'problems', '[]')
FROM candidate_imports i CROSS JOIN jsonb_array_elements(i.rejected) r;

UPDATE candidate_imports SET ready_count = jsonb_array_length(ready), rejected_count = jsonb_array_length(rejected);
ALTER TABLE candidate_imports DROP COLUMN ready, DROP COLUMN rejected;
