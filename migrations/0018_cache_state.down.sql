DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['provinces', 'counties', 'districts', 'cities', 'committees', 'election_kinds', 'elections',
                             'board_rules', 'candidate_rules'] LOOP
        EXECUTE format('DROP TRIGGER cache_touch ON %I', t);
        EXECUTE format('DROP TRIGGER cache_touch_truncate ON %I', t);
    END LOOP;
END $$;
DROP FUNCTION cache_touch();
DROP TABLE cache_state;
