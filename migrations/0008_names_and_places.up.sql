-- A name is compared without the separators between its parts: «موسوی نژاد», «موسوی‌نژاد» and
-- «موسوینژاد» are one name (persian.Normalize). The stored forms had the ZWNJ dropped already and every
-- run of white space folded into one space, so dropping that space gives exactly today's form.
UPDATE candidates SET name_norm = replace(name_norm, ' ', '') WHERE strpos(name_norm, ' ') > 0;

-- Lists of places are ordered in the reader's alphabet: Persian (پ after ب, گ after ک) and English. The
-- ICU collations come with a server built with ICU; say so here, once, rather than on every list.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'fa-IR-x-icu') THEN
        CREATE COLLATION "fa-IR-x-icu" (provider = icu, locale = 'fa-IR');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'en-x-icu') THEN
        CREATE COLLATION "en-x-icu" (provider = icu, locale = 'en');
    END IF;
END $$;
