DROP TABLE pending_forms;
