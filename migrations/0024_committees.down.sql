DROP TABLE notifications;
DROP INDEX users_district_idx;
DROP INDEX users_county_idx;
DROP INDEX users_committee_idx;
UPDATE users SET disabled_at = coalesce(disabled_at, now()), committee_key = 'training'
WHERE role = 'committee' AND committee_key IS NULL;
ALTER TABLE users DROP CONSTRAINT users_committee_fkey;
DELETE FROM province_committees pc WHERE NOT EXISTS (SELECT 1 FROM committees k WHERE k.key = pc.key)
    AND NOT EXISTS (SELECT 1 FROM users u WHERE u.committee_key = pc.key);
ALTER TABLE users ADD CONSTRAINT users_committee_key_fkey FOREIGN KEY (committee_key) REFERENCES committees (key);
ALTER TABLE users DROP CONSTRAINT users_scope;
ALTER TABLE users ADD CONSTRAINT users_scope CHECK (CASE role
    WHEN 'national'      THEN province_id IS NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'hq'            THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'observer'      THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'committee'     THEN province_id IS NOT NULL AND county_id IS NULL AND district_id IS NULL AND committee_key IS NOT NULL
    WHEN 'governor'      THEN province_id IS NOT NULL AND county_id IS NOT NULL AND district_id IS NULL AND committee_key IS NULL
    WHEN 'district_head' THEN province_id IS NOT NULL AND county_id IS NOT NULL AND district_id IS NOT NULL AND committee_key IS NULL
END);
DROP TRIGGER province_committees_start ON provinces;
DROP FUNCTION province_committees_start();
DROP TABLE province_committees;
