DROP TABLE training_invitees;
DROP TABLE trainings;
