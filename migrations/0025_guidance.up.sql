-- Files attached to the committees' work (issue: committees), stored in PostgreSQL so that every replica
-- serves them. An attachment belongs to one record of an area (owner_kind names the area: 'guidance',
-- 'training'…; owner_id its row), numbered n from 1 in the order attached; its content is kept in chunks
-- of at most 256 KiB, so that neither an upload nor a download holds a whole file. The type is the
-- canonical one found from the content (internal/filetype), never the one the browser declared.
CREATE TABLE attachments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_kind  text NOT NULL CHECK (owner_kind ~ '^[a-z_]+$'),
    owner_id    bigint NOT NULL,
    n           int NOT NULL CHECK (n >= 1),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    mime_type   text NOT NULL CHECK (length(mime_type) BETWEEN 3 AND 100),
    size        bigint NOT NULL CHECK (size BETWEEN 1 AND 10485760),
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_kind, owner_id, n)
);
SELECT data_watch('attachments');

CREATE TABLE attachment_chunks (
    attachment_id bigint NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq           int NOT NULL CHECK (seq >= 0),
    data          bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 262144),
    PRIMARY KEY (attachment_id, seq)
);
-- Chunks are written once and never read by a kept page; the watch keeps the rule of every table.
SELECT data_watch('attachment_chunks');

-- A committee's circular (بخشنامه). A draft is its committee's alone; publishing it makes a receipt for
-- each place of its audience and tells them. A published circular may be corrected, each published text a
-- revision kept in guidance_versions, or withdrawn with a reason: it is then kept, marked so.
CREATE TABLE guidance (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id       bigint NOT NULL REFERENCES provinces (id),
    committee_key     text NOT NULL,
    author_id         bigint REFERENCES users (id),
    title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body              text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    audience_province boolean NOT NULL,
    audience_counties text[] NOT NULL DEFAULT '{}',
    include_districts boolean NOT NULL DEFAULT false,
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
    revision          int NOT NULL DEFAULT 0, -- the published revisions; 0 while a draft
    created_at        timestamptz NOT NULL DEFAULT now(),
    published_at      timestamptz,
    changed_at        timestamptz,            -- the last correction
    withdrawn_at      timestamptz,
    withdrawn_reason  text NOT NULL DEFAULT '' CHECK (length(withdrawn_reason) <= 2000),
    version           int NOT NULL DEFAULT 1,
    FOREIGN KEY (province_id, committee_key) REFERENCES province_committees (province_id, key),
    CHECK ((status = 'draft') = (published_at IS NULL)),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
CREATE INDEX guidance_province_idx ON guidance (province_id, created_at DESC, id DESC);
SELECT data_watch('guidance');

-- Each published text of a circular: revision 1 as published, then each correction.
CREATE TABLE guidance_versions (
    guidance_id bigint NOT NULL REFERENCES guidance (id),
    revision    int NOT NULL CHECK (revision >= 1),
    title       text NOT NULL,
    body        text NOT NULL,
    changed_by  bigint REFERENCES users (id),
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guidance_id, revision)
);
SELECT data_watch('guidance_versions');

-- A circular's receipt at a place of its audience: a county (district_id NULL), whose governor
-- acknowledges it, or a district, whose district head does. opened is when a user of the place first
-- opened it (from his inbox, or at the latest when acknowledging); acked_revision the revision he
-- acknowledged; reminded_at the last reminder sent to the place.
CREATE TABLE guidance_receipts (
    guidance_id    bigint NOT NULL REFERENCES guidance (id),
    county_id      bigint NOT NULL REFERENCES counties (id),
    district_id    bigint REFERENCES districts (id),
    opened_at      timestamptz,
    opened_by      bigint REFERENCES users (id),
    acked_at       timestamptz,
    acked_by       bigint REFERENCES users (id),
    acked_revision int,
    reminded_at    timestamptz,
    UNIQUE NULLS NOT DISTINCT (guidance_id, county_id, district_id),
    CHECK ((acked_at IS NULL) = (acked_by IS NULL))
);
CREATE INDEX guidance_receipts_county_idx ON guidance_receipts (county_id, guidance_id);
CREATE INDEX guidance_receipts_district_idx ON guidance_receipts (district_id, guidance_id) WHERE district_id IS NOT NULL;
SELECT data_watch('guidance_receipts');
