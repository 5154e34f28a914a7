DROP INDEX candidates_scope_idx;
CREATE INDEX candidates_scope_idx ON candidates (election_id, province_id, county_id, status);
DROP TRIGGER candidate_counts_insert ON candidates;
DROP TRIGGER candidate_counts_update ON candidates;
DROP TRIGGER candidate_counts_delete ON candidates;
DROP TRIGGER candidate_counts_truncate ON candidates;
DROP FUNCTION candidate_counts_insert(), candidate_counts_update(), candidate_counts_delete(), candidate_counts_truncate(),
    candidate_counts_add(bigint, bigint, bigint, bigint, text, int);
DROP TABLE candidate_counts;
