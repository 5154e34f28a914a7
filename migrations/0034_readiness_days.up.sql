-- The dashboard's history (issue: monitoring): each county's figures as they stood at the end of each day,
-- written once a day by the housekeeping, for the chart of the last 30 days. What is overdue depends on the
-- day, so the past cannot be recounted later from the rows as they are now.
CREATE TABLE readiness_days (
    election_id        bigint NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    province_id        bigint NOT NULL REFERENCES provinces (id),
    county_id          bigint NOT NULL REFERENCES counties (id),
    day                date NOT NULL,
    milestones_overdue int NOT NULL CHECK (milestones_overdue >= 0),
    tasks_overdue      int NOT NULL CHECK (tasks_overdue >= 0),
    checks_missed      int NOT NULL CHECK (checks_missed >= 0),
    incidents_open     int NOT NULL CHECK (incidents_open >= 0),
    score              smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (election_id, province_id, day, county_id)
);
SELECT data_watch('readiness_days');

-- The dashboard counts the work of every place of a province in one statement; these let it read the
-- indexes alone.
CREATE INDEX task_assignees_place_idx ON task_assignees (province_id, county_id, district_id) INCLUDE (task_id, status);
CREATE INDEX guidance_receipts_place_idx ON guidance_receipts (county_id, district_id) INCLUDE (guidance_id, acked_at);
