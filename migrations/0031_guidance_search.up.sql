-- A circular's title as the list's search compares it (persian.Normalize, written with the title), on a
-- trigram index so that a fragment anywhere in it is found. The circulars written before it get the same
-- folding here: the Arabic letter forms, the hamza forms, the digits, the diacritics, the invisible
-- characters and the white space.
ALTER TABLE guidance ADD COLUMN title_norm text NOT NULL DEFAULT '';

UPDATE guidance SET title_norm = lower(translate(
    regexp_replace(replace(title, U&'\0627\0653', U&'\0622'),
        U&'[[:space:]\064B-\065F\0670\0640\200B-\200F\061C\2060\00AD\FEFF\202A-\202E\2066-\2069]', '', 'g'),
    U&'\064A\0649\0626\0643\0629\06C0\0623\0625\0671\0624\06F0\06F1\06F2\06F3\06F4\06F5\06F6\06F7\06F8\06F9\0660\0661\0662\0663\0664\0665\0666\0667\0668\0669',
    U&'\06CC\06CC\06CC\06A9\0647\0647\0627\0627\0627\064801234567890123456789'));

CREATE INDEX guidance_title_trgm_idx ON guidance USING gin (title_norm gin_trgm_ops);
