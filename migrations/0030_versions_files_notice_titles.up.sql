-- A published circular's files are part of what its places received: each published version keeps the
-- names of the files it had, in their order, so that adding a file is a version whose change the readers
-- see (the files before and after). The versions kept before are given the files attached by their time.
ALTER TABLE guidance_versions ADD COLUMN files text[] NOT NULL DEFAULT '{}';
UPDATE guidance_versions v SET files = coalesce((
    SELECT array_agg(a.name ORDER BY a.n) FROM attachments a
    WHERE a.owner_kind = 'guidance' AND a.owner_id = v.guidance_id AND a.created_at <= v.changed_at), '{}');

-- A notice keeps its subject's title in both languages: title in Persian (or the subject's only language,
-- a title its author wrote), title_en in English when the subject has one; the inbox shows the reader's.
ALTER TABLE notifications ADD COLUMN title_en text NOT NULL DEFAULT '' CHECK (length(title_en) <= 300);
