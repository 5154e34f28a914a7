-- The committees' training sessions (issue: committees, trainings). A committee of a province schedules a
-- session for its audience: each place it reaches (a county, or a district of it) is an invitee row,
-- made in the transaction that schedules it. The invited place's governor or district head confirms that
-- it will attend; the committee records afterwards whether the place attended, how many came and who.
-- HQ reads per county which places have attended no session (store.TrainingCoverage).
CREATE TABLE trainings (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id       bigint NOT NULL REFERENCES provinces (id),
    committee_key     text NOT NULL,
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at         timestamptz NOT NULL,
    place             text NOT NULL CHECK (length(place) BETWEEN 1 AND 500),
    audience          text NOT NULL CHECK (audience IN ('province', 'counties')),
    counties          text[] NOT NULL DEFAULT '{}',
    include_districts boolean NOT NULL DEFAULT false,
    created_by        bigint NOT NULL REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    version           int NOT NULL DEFAULT 1,
    FOREIGN KEY (province_id, committee_key) REFERENCES province_committees (province_id, key)
);
CREATE INDEX trainings_province_idx ON trainings (province_id, starts_at DESC, id DESC);
SELECT data_watch('trainings');

CREATE TABLE training_invitees (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    training_id    bigint NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    county_id      bigint NOT NULL REFERENCES counties (id),
    district_id    bigint REFERENCES districts (id),
    confirmed_at   timestamptz,
    confirmed_by   bigint REFERENCES users (id),
    attended       boolean,
    attendees      int CHECK (attendees BETWEEN 0 AND 10000),
    attendee_names text NOT NULL DEFAULT '' CHECK (length(attendee_names) <= 2000),
    recorded_at    timestamptz,
    recorded_by    bigint REFERENCES users (id),
    UNIQUE NULLS NOT DISTINCT (training_id, county_id, district_id)
);
CREATE INDEX training_invitees_county_idx ON training_invitees (county_id, district_id);
CREATE INDEX training_invitees_district_idx ON training_invitees (district_id) WHERE district_id IS NOT NULL;
SELECT data_watch('training_invitees');
