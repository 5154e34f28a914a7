-- The number of an election's candidates by place and status, kept by triggers in the transaction of every
-- write to candidates (a registration, a correction, a change of status or constituency, an import's or
-- the synthetic loader's COPY, a delete, an election's cascade), so that the per-status counts of the
-- candidate list and the dashboards read a few hundred rows instead of the province's candidates.
-- district_id is 0 for the candidates of a city (whose district_id is NULL).
CREATE TABLE candidate_counts (
    election_id bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    province_id bigint NOT NULL,
    county_id   bigint NOT NULL,
    district_id bigint NOT NULL,
    status      text NOT NULL,
    n           int NOT NULL CHECK (n >= 0),
    PRIMARY KEY (election_id, province_id, county_id, district_id, status)
);

-- candidate_counts_add adds delta to a group's count: a group gained is created if new, a group lost is
-- lowered if it is still there (an election's own rows may have gone first in its cascade).
CREATE FUNCTION candidate_counts_add(e bigint, p bigint, c bigint, d bigint, s text, delta int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF delta > 0 THEN
        INSERT INTO candidate_counts AS k (election_id, province_id, county_id, district_id, status, n)
        VALUES (e, p, c, d, s, delta)
        ON CONFLICT (election_id, province_id, county_id, district_id, status) DO UPDATE SET n = k.n + EXCLUDED.n;
    ELSIF delta < 0 THEN
        UPDATE candidate_counts SET n = n + delta
        WHERE (election_id, province_id, county_id, district_id, status) = (e, p, c, d, s);
    END IF;
END $$;

-- The triggers are statement-level with transition tables: a COPY of many rows changes each group once.
-- A statement's groups are changed in key order, so two writers never lock the same groups in opposite
-- order; an update that moves no row between groups (a correction of a name) changes none.
CREATE FUNCTION candidate_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT election_id, province_id, county_id, coalesce(district_id, 0) AS district_id, status, count(*)::int AS d
             FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 LOOP
        PERFORM candidate_counts_add(r.election_id, r.province_id, r.county_id, r.district_id, r.status, r.d);
    END LOOP;
    RETURN NULL;
END $$;

CREATE FUNCTION candidate_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT election_id, province_id, county_id, district_id, status, sum(d)::int AS d
             FROM (SELECT election_id, province_id, county_id, coalesce(district_id, 0) AS district_id, status, -1 AS d
                   FROM old_rows
                   UNION ALL
                   SELECT election_id, province_id, county_id, coalesce(district_id, 0), status, 1 FROM new_rows) x
             GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4, 5 LOOP
        PERFORM candidate_counts_add(r.election_id, r.province_id, r.county_id, r.district_id, r.status, r.d);
    END LOOP;
    RETURN NULL;
END $$;

CREATE FUNCTION candidate_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT election_id, province_id, county_id, coalesce(district_id, 0) AS district_id, status, -count(*)::int AS d
             FROM old_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 LOOP
        PERFORM candidate_counts_add(r.election_id, r.province_id, r.county_id, r.district_id, r.status, r.d);
    END LOOP;
    RETURN NULL;
END $$;

CREATE FUNCTION candidate_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM candidate_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER candidate_counts_insert AFTER INSERT ON candidates REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION candidate_counts_insert();
CREATE TRIGGER candidate_counts_update AFTER UPDATE ON candidates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION candidate_counts_update();
CREATE TRIGGER candidate_counts_delete AFTER DELETE ON candidates REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION candidate_counts_delete();
CREATE TRIGGER candidate_counts_truncate AFTER TRUNCATE ON candidates
    FOR EACH STATEMENT EXECUTE FUNCTION candidate_counts_truncate();

-- The triggers hold the table's lock from here to the commit: no write falls between them and the back-fill.
INSERT INTO candidate_counts (election_id, province_id, county_id, district_id, status, n)
SELECT election_id, province_id, county_id, coalesce(district_id, 0), status, count(*)
FROM candidates GROUP BY 1, 2, 3, 4, 5;
ANALYZE candidate_counts;

-- The counts no longer read the scope index; the list filtered by county and status reads it in name order,
-- so that a page of a large county's registrations is read from the index, not sorted from all of them.
DROP INDEX candidates_scope_idx;
CREATE INDEX candidates_scope_idx ON candidates (election_id, province_id, county_id, status, name_norm, id);
