DROP TABLE task_assignee_events;
DROP TABLE task_assignees;
DROP TABLE tasks;
