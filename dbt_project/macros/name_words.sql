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

{#- full_name_share: how common a full name is, from its given name's and its
    surname's rows of seed name_frequencies (either may be null: unlisted) and
    the surname origin's row of seed name_origins: the surname's share times the
    given name's, where a given name of the surname's own origin counts by its
    share within that origin (a "Wei" beside a "Wang" is one Chinese-origin name
    in 25, not one person in 100), an unlisted given name beside the surname of an
    origin whose given names are few romanized syllables as common as the
    origin's unlisted_given_frequency, and any other unlisted token as
    var('name_floor_frequency'). -#}
{% macro full_name_share(given, surname, origin) -%}
    (coalesce({{ surname }}.frequency, {{ var('name_floor_frequency') }})
    * case
        when {{ given }}.frequency is null
            then coalesce({{ origin }}.unlisted_given_frequency, {{ var('name_floor_frequency') }})
        when {{ given }}.origin = {{ surname }}.origin
            then least({{ given }}.frequency / {{ origin }}.share, 1)
        else {{ given }}.frequency
    end)
{%- endmacro %}
