{#- Email: trimmed, NFC, lower-cased. ASCII (octets = characters) skips the
    costly NFC step, which cannot change it. -#}
{% macro normalize_email(column) -%}
    lower(btrim(case
        when octet_length({{ column }}) = char_length({{ column }}) then {{ column }}
        else normalize({{ column }}, nfc)
    end))
{%- endmacro %}

{#- Person name folded for matching: accents, case and whitespace removed. -#}
{% macro fold_name(column) -%}
    nullif(btrim(regexp_replace(translate(lower(case
        when octet_length({{ column }}) = char_length({{ column }}) then {{ column }}
        else normalize({{ column }}, nfc)
    end),
        'àáâãäåāăąçćčďđèéêëēėęěğìíîïīįıłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźż',
        'aaaaaaaaacccddeeeeeeeegiiiiiiilnnnoooooooorssstuuuuuuuuyyzzz'),
        '[\s\.,''"_-]+', ' ', 'g')), '')
{%- endmacro %}
