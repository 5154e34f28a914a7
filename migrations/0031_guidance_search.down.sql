DROP INDEX guidance_title_trgm_idx;
ALTER TABLE guidance DROP COLUMN title_norm;
