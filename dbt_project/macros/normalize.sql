{#- Email: trimmed, NFC, lower-cased, the domain in IDNA ASCII form (cppa_lib, migration 0007).
    ASCII (octets = characters) skips the costly steps, which cannot change it. -#}
{% macro normalize_email(column) -%}
    case
        when octet_length({{ column }}) = char_length({{ column }})
            then lower(btrim({{ column }}) collate "C") collate "default"
        else cppa_lib.normalize_email_unicode({{ column }})
    end
{%- endmacro %}

{#- Lower case by one rule on every server and database locale: ASCII by ASCII
    rules, anything else by Unicode's full mapping (collation cppa_raw.fold,
    created by the raw schema's migrations; Python's str.lower() agrees). -#}
{% macro fold_case(column) -%}
    (case
        when octet_length({{ column }}) = char_length({{ column }})
            then lower(({{ column }}) collate "C") collate "default"
        else lower(({{ column }}) collate cppa_raw.fold) collate "default"
    end)
{%- endmacro %}

{#- Person name folded for matching: accents, case and whitespace removed. The
    whitespace is listed (Unicode's spaces), not \s, whose meaning follows the
    database's locale. ASCII (octets = characters) is only lower-cased: NFC,
    Unicode's case mapping and the accents' translation cannot change it (the
    translation was a fifth of a full run's profile folding). `column` should
    be a column, not an expression: it is written out several times. -#}
{% macro fold_name(column) -%}
    nullif(btrim(regexp_replace(
        case
            when octet_length({{ column }}) = char_length({{ column }})
                then {{ fold_case(column) }}
            else translate({{ fold_case('normalize(' ~ column ~ ', nfc)') }},
                'àáâãäåāăąçćčďđèéêëēėęěğìíîïīįıłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźż',
                'aaaaaaaaacccddeeeeeeeegiiiiiiilnnnoooooooorssstuuuuuuuuyyzzz')
        end,
        '[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000.,''"_-]+', ' ', 'g')), '')
{%- endmacro %}

{#- A display name sent through a relay: "<person> via <list or bridge>". -#}
{% macro relay_name_pattern() -%}
    '\s+via\s+\S.*$'
{%- endmacro %}

{#- A display name that is an address and nothing else ("jane+git@example.org"). -#}
{% macro address_shaped() -%}
    '^[^[:space:]@<>]+@[^[:space:]@<>]+\.[^[:space:]@<>]+$'
{%- endmacro %}

{#- Whether an address matches none of seed blocked_emails' patterns (`blocked`:
    the seed's relation or import CTE). One `like any` over the patterns as an
    array: a join of every address with every pattern cost twice as much. Null
    patterns and a null address block nothing, as in a `not exists` join. -#}
{% macro not_blocked_email(address, blocked) -%}
    not coalesce(
        {{ address }} like any (array(select {{ blocked }}.email_pattern from {{ blocked }})),
        false
    )
{%- endmacro %}

{#- An address domain's organisation: its last two labels, or three when the
    second last is a country's "co.", "ac.", "com." and the like
    ("lpdev.prtdev.lexmark.com" -> lexmark.com, "ihug.co.nz" stays); null when
    the domain has no dot or an empty label at its end. The same as
    substring(domain from '([^.]+\.(?:(?:co|ac|com|org|net|edu|gov|or|ne|go)\.)?[^.]+)$')
    (tests/test_folding.py holds them equal), without a regular expression:
    a fifth of int_comparison_values_listed's time at 1,000,000 profiles.
    `domain` should be a column: it is written out several times. -#}
{% macro email_organisation(domain) -%}
    case
        when split_part({{ domain }}, '.', -1) = '' or split_part({{ domain }}, '.', -2) = ''
            then null
        when
            split_part({{ domain }}, '.', -2) in ('co', 'ac', 'com', 'org', 'net', 'edu', 'gov', 'or', 'ne', 'go')
            and split_part({{ domain }}, '.', -3) <> ''
            then split_part({{ domain }}, '.', -3) || '.' || split_part({{ domain }}, '.', -2) || '.' || split_part({{ domain }}, '.', -1)
        else split_part({{ domain }}, '.', -2) || '.' || split_part({{ domain }}, '.', -1)
    end
{%- endmacro %}
