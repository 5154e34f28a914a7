ALTER TABLE counties DROP COLUMN sizes_version;
