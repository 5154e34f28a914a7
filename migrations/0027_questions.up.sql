-- Questions to a committee and their answers, and the province's FAQ made of them (issue 11). A question
-- is asked from a place: a governor's county, a district head's district (and its county), or the province
-- itself when HQ or a committee member asks; the place is what the scope of its readers is checked on. A
-- question is its committee's to answer; its asker accepts one answer (and may change his mind); HQ or
-- the committee publishes it to the FAQ with one of its answers, which faq_norm (the question and that
-- answer, normalised as persian.Normalize does) makes searchable.
CREATE TABLE questions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id        bigint NOT NULL REFERENCES provinces (id),
    committee_key      text NOT NULL,
    county_id          bigint REFERENCES counties (id),
    district_id        bigint REFERENCES districts (id),
    asked_by           bigint NOT NULL REFERENCES users (id),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body               text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    asked_at           timestamptz NOT NULL DEFAULT now(),
    answers            int NOT NULL DEFAULT 0,
    accepted_answer_id bigint,
    faq_answer_id      bigint,
    published_at       timestamptz,
    faq_norm           text NOT NULL DEFAULT '',
    version            int NOT NULL DEFAULT 1,
    FOREIGN KEY (province_id, committee_key) REFERENCES province_committees (province_id, key) ON UPDATE CASCADE,
    CHECK (district_id IS NULL OR county_id IS NOT NULL),
    CHECK ((faq_answer_id IS NULL) = (published_at IS NULL))
);

CREATE TABLE question_answers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id bigint NOT NULL REFERENCES questions (id),
    answered_by bigint NOT NULL REFERENCES users (id),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (question_id, id)
);

-- The accepted and the published answer are answers of the question itself.
ALTER TABLE questions
    ADD FOREIGN KEY (id, accepted_answer_id) REFERENCES question_answers (question_id, id),
    ADD FOREIGN KEY (id, faq_answer_id) REFERENCES question_answers (question_id, id);

-- The list of a province, a county or a district, newest first; the questions waiting for an answer
-- (the home pages and the sweep); the FAQ of a province, newest first, and its search.
CREATE INDEX questions_province_idx ON questions (province_id, asked_at DESC, id DESC);
CREATE INDEX questions_county_idx ON questions (county_id, asked_at DESC, id DESC) WHERE county_id IS NOT NULL;
CREATE INDEX questions_district_idx ON questions (district_id, asked_at DESC, id DESC) WHERE district_id IS NOT NULL;
CREATE INDEX questions_waiting_idx ON questions (province_id, committee_key, asked_at) WHERE answers = 0;
CREATE INDEX questions_faq_idx ON questions (province_id, published_at DESC, id DESC) WHERE published_at IS NOT NULL;
CREATE INDEX questions_faq_trgm_idx ON questions USING gin (faq_norm gin_trgm_ops) WHERE published_at IS NOT NULL;
CREATE INDEX question_answers_question_idx ON question_answers (question_id, id);

SELECT data_watch('questions');
SELECT data_watch('question_answers');
