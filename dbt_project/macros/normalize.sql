{#- Email: trimmed, NFC, lower-cased. -#}
{% macro normalize_email(column) -%}
    lower(normalize(btrim({{ column }}), nfc))
{%- endmacro %}

{#- Person name folded for matching: accents, case and whitespace removed. -#}
{% macro fold_name(column) -%}
    nullif(btrim(regexp_replace(translate(lower(normalize(coalesce({{ column }}, ''), nfc)),
        'àáâãäåāăąçćčďđèéêëēėęěğìíîïīįıłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźż',
        'aaaaaaaaacccddeeeeeeeegiiiiiiilnnnoooooooorssstuuuuuuuuyyzzz'),
        '[\s\.,''"_-]+', ' ', 'g')), '')
{%- endmacro %}
