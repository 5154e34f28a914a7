-- The spaces dropped from the normalised names cannot be told from the names that had none, so they stay
-- dropped: after going down, a search typed with a space between a name's parts misses those names
-- (a search without it still finds them). The collations are the server's own and stay too.
SELECT 1;
