DROP TABLE incident_events;
DROP TABLE incident_districts;
DROP TABLE incidents;
DROP TABLE election_systems;
