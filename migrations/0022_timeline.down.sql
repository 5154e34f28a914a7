DROP TABLE ics_tokens;
DROP TABLE election_day_moves;
DROP TABLE milestone_marks;
DROP TABLE milestones;
