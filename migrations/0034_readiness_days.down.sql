DROP INDEX guidance_receipts_place_idx;
DROP INDEX task_assignees_place_idx;
DROP TABLE readiness_days;
