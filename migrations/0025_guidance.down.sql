DROP TABLE guidance_receipts;
DROP TABLE guidance_versions;
DROP TABLE guidance;
DROP TABLE attachment_chunks;
DROP TABLE attachments;
