-- A county's constituency sizes (its city's population, its districts' households) are saved together
-- from one form; their version lets a save drawn from older values be refused instead of silently
-- overwriting a newer one.
ALTER TABLE counties ADD COLUMN sizes_version int NOT NULL DEFAULT 1;
