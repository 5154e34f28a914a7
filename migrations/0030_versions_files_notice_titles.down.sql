ALTER TABLE notifications DROP COLUMN title_en;
ALTER TABLE guidance_versions DROP COLUMN files;
