{#- The name rules the merge models share, written once.

    name_words: a folded name's real words in order, letters only and two or
    more of them ("ada b. quill" -> {ada, quill}): initials, numbers and
    punctuation are not words. `column` should be a column: it is written out
    four times. -#}
{% macro name_words(column) -%}
    case
        -- (short paths, no subquery: every word a real one; one word that is none)
        when {{ column }} ~ '^[[:alpha:]]{2,}( [[:alpha:]]{2,})*$'
            then string_to_array({{ column }}, ' ')
        when strpos({{ column }}, ' ') = 0 then '{}'::text[]
        else array(
            select word.token
            from unnest(regexp_split_to_array({{ column }}, ' ')) with ordinality as word (token, n)
            where length(word.token) >= 2 and word.token ~ '^[[:alpha:]]+$'
            order by word.n
        )
    end
{%- endmacro %}

{#- has_odd_word: the name has a word that is neither letters, an initial nor
    "(a remark)" ("j0hn smith", "smith-2"), so it is no full name. -#}
{% macro has_odd_word(column) -%}
    ({{ column }} ~ '(^|\s)[^\s(]*[^[:alpha:]\s(][^\s]*')
{%- endmacro %}

{#- full_name_share: how common a full name is, from its given name's and its
    surname's rows of seed name_frequencies (either may be null: unlisted) and
    the rows of seed name_origins for the surname's origin and the given name's:
    the surname's share times the given name's. A given name of the surname's own
    origin counts by its share within that origin (a "Wei" beside a "Wang" is
    one Chinese-origin name in 25, not one person in 100). Beside a name of an
    origin whose names are few romanized syllables (Chinese, Korean,
    Vietnamese), the other word is no rarer than the origin's
    unlisted_given_frequency or unlisted_surname_frequency ("Zilin Li", "Qiang
    Niu", "Thi Nguyen" however rare "Thi" is in another list); any other
    unlisted word counts as var('name_floor_frequency'). -#}
{% macro full_name_share(given, surname, surname_origin, given_origin) -%}
    (coalesce(
        greatest({{ surname }}.frequency, {{ given_origin }}.unlisted_surname_frequency),
        {{ var('name_floor_frequency') }}
    )
    * coalesce(
        greatest(
            case
                when {{ given }}.origin = {{ surname }}.origin
                    then least({{ given }}.frequency / {{ surname_origin }}.share, 1)
                else {{ given }}.frequency
            end,
            {{ surname_origin }}.unlisted_given_frequency
        ),
        {{ var('name_floor_frequency') }}
    ))
{%- endmacro %}
