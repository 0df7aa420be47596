{#- The name rules the merge models share, written once.

    name_words: a folded name's real words in order, letters only and two or
    more of them ("ada b. quill" -> {ada, quill}): initials, numbers and
    punctuation are not words. -#}
{% macro name_words(column) -%}
    array(
        select word.token
        from unnest(regexp_split_to_array({{ column }}, ' ')) with ordinality as word (token, n)
        where length(word.token) >= 2 and word.token ~ '^[[:alpha:]]+$'
        order by word.n
    )
{%- endmacro %}

{#- has_odd_word: the name has a word that is neither letters, an initial nor
    "(a remark)" ("j0hn smith", "smith-2"), so it is no full name. -#}
{% macro has_odd_word(column) -%}
    ({{ column }} ~ '(^|\s)[^\s(]*[^[:alpha:]\s(][^\s]*')
{%- endmacro %}
