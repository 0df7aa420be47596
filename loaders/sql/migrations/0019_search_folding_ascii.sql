-- Search folding, the same function as 0011's with a short path for text of
-- printable ASCII alone (most names, logins and addresses): lower case by
-- letter, runs of spaces made one, ends trimmed. For such text the full path
-- does nothing else (no compatibility form, combining mark or other
-- whitespace is ASCII), and it costs three times as much: the ICU case
-- mapping and the Unicode normalisation are most of a full run's folding.
-- (Each branch says its result's collation: the two case mappings' explicit
-- collations may not meet in one expression.)
-- tests/test_folding.py holds both paths equal.
create or replace function cppa_lib.fold_search(value text)
returns text
language sql immutable strict parallel safe as $fn$
    select case
        when value ~ '^[ -~]*$'
            then btrim(regexp_replace(lower(value collate "C"), ' +', ' ', 'g')) collate "default"
        else btrim(regexp_replace(
            replace(replace(replace(translate(
                regexp_replace(normalize(lower(value collate cppa_raw.fold), nfkd), '[\u0300-\u036f]', '', 'g'),
                'łøđħŧıŀ', 'lodhtil'),
                'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'),
            '[\s\u00a0\u2000-\u200b\u3000]+', ' ', 'g')) collate "default"
    end
$fn$;
