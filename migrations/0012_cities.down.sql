DROP TABLE city_import_rows, city_imports;
ALTER TABLE candidate_import_rows DROP COLUMN city_id;
DROP TRIGGER candidates_seat_city ON candidates;
DROP FUNCTION candidates_seat_city();
ALTER TABLE candidates DROP COLUMN city_id;
ALTER TABLE counties ADD COLUMN population int CHECK (population >= 0);
UPDATE counties c SET population = ci.population FROM cities ci WHERE ci.county_id = c.id AND ci.code = c.code;
DROP TABLE cities;
