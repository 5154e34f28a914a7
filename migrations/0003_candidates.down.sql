DROP TABLE candidate_imports;
DROP TABLE candidate_overrides;
DROP TABLE candidate_events;
DROP TABLE candidate_rules;
DROP INDEX candidates_tracking_idx;
DROP INDEX candidates_national_id_idx;
DROP INDEX candidates_province_name_idx;
DROP INDEX candidates_scope_idx;
DROP INDEX candidates_name_trgm_idx;
ALTER TABLE districts DROP COLUMN households;
ALTER TABLE counties DROP COLUMN population;
ALTER TABLE candidates DROP CONSTRAINT candidates_status_check;
ALTER TABLE candidates
    DROP COLUMN district_id, DROP COLUMN name_norm, DROP COLUMN gender, DROP COLUMN birth_date,
    DROP COLUMN education, DROP COLUMN occupation, DROP COLUMN phone, DROP COLUMN tracking_id,
    DROP COLUMN veteran, DROP COLUMN military_service, DROP COLUMN listed_post, DROP COLUMN certificate_date,
    DROP COLUMN resignation_date, DROP COLUMN registered_by, DROP COLUMN announced_at,
    DROP COLUMN constituency_changes, DROP COLUMN updated_at;
