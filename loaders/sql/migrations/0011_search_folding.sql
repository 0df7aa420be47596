-- Search folding: what `show` and the review pages match partial queries on.
-- Case by Unicode's full mapping (collation cppa_raw.fold), compatibility
-- forms decomposed and combining marks dropped (é → e, ﬁ → fi), the letters
-- that carry no separable mark replaced (ł → l, ø → o, ß → ss), and runs of
-- whitespace made one space. The marts' search terms and the query are folded
-- by this one function, so they agree on every server.
create or replace function cppa_lib.fold_search(value text)
returns text
language sql immutable strict parallel safe as $fn$
    select btrim(regexp_replace(
        replace(replace(replace(translate(
            regexp_replace(normalize(lower(value collate cppa_raw.fold), nfkd), '[\u0300-\u036f]', '', 'g'),
            'łøđħŧıŀ', 'lodhtil'),
            'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'),
        '[\s\u00a0\u2000-\u200b\u3000]+', ' ', 'g'))
$fn$;
