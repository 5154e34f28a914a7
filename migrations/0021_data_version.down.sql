DO $$
DECLARE t regclass;
BEGIN
    FOR t IN SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'data_touch' AND NOT tgisinternal LOOP
        EXECUTE format('DROP TRIGGER data_touch ON %s', t);
    END LOOP;
END $$;
DROP FUNCTION data_watch(regclass);
DROP TABLE data_touch;
DROP FUNCTION data_version_bump();
DROP FUNCTION data_touch();
ALTER TABLE cache_state DROP COLUMN data_version;
