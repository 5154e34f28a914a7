-- The committees' tasks (issue: committees). A committee of a province assigns a task to places of the
-- province: each county and, when chosen, each district the audience reaches has its own copy
-- (task_assignees), which only that place moves along (open, in progress, done, blocked) with a note;
-- every move is kept (task_assignee_events), so that the committee reads the notes over time. A task's
-- due date flags lateness and locks nothing. The audience is kept as it was chosen, to say it again.
CREATE TABLE tasks (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id       bigint NOT NULL REFERENCES provinces (id),
    committee_key     text NOT NULL,
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body              text NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    due_date          date NOT NULL,
    whole_province    boolean NOT NULL,
    counties          text[] NOT NULL DEFAULT '{}',
    include_districts boolean NOT NULL,
    created_by        bigint NOT NULL REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (province_id, committee_key) REFERENCES province_committees (province_id, key)
);
CREATE INDEX tasks_province_idx ON tasks (province_id, due_date, id);
CREATE INDEX tasks_committee_idx ON tasks (province_id, committee_key, due_date);
SELECT data_watch('tasks');

-- A place's copy of a task: a county's (district_id NULL), its governor's to move, or a district's, its
-- district head's.
CREATE TABLE task_assignees (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES tasks (id),
    province_id bigint NOT NULL REFERENCES provinces (id),
    county_id   bigint NOT NULL REFERENCES counties (id),
    district_id bigint REFERENCES districts (id),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'blocked')),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    changed_at  timestamptz,
    changed_by  bigint REFERENCES users (id),
    version     int NOT NULL DEFAULT 1,
    UNIQUE NULLS NOT DISTINCT (task_id, county_id, district_id)
);
CREATE INDEX task_assignees_county_idx ON task_assignees (county_id, task_id);
CREATE INDEX task_assignees_district_idx ON task_assignees (district_id, task_id) WHERE district_id IS NOT NULL;
CREATE INDEX task_assignees_open_idx ON task_assignees (province_id, task_id) WHERE status <> 'done';
SELECT data_watch('task_assignees');

-- Each move of a copy, with its note: what the committee reads as the copy's history.
CREATE TABLE task_assignee_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignee_id bigint NOT NULL REFERENCES task_assignees (id),
    from_status text NOT NULL,
    to_status   text NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    changed_by  bigint NOT NULL REFERENCES users (id),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_assignee_events_idx ON task_assignee_events (assignee_id, id);
SELECT data_watch('task_assignee_events');
