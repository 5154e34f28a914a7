-- A search of the candidate list reads the first 201 matches in the list's order and counts them. In the
-- default order (newest first) within a province, this index gives the ids in that order with the
-- normalised name beside them, so that a common name is matched on the index alone (no row is read
-- until the page's fifty) and the read stops at the 201st match.
CREATE INDEX candidates_province_recent_idx ON candidates (election_id, province_id, id) INCLUDE (name_norm);
