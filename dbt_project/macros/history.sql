{#- Latest non-null value of a column in an append-only history (NULL = "keep"). -#}
{% macro latest_non_null(column, order_by='observation_id') -%}
    (array_agg({{ column }} order by {{ order_by }} desc)
        filter (where {{ column }} is not null))[1]
{%- endmacro %}

{#- First non-null value (for values that only apply on creation). -#}
{% macro first_non_null(column, order_by='observation_id') -%}
    (array_agg({{ column }} order by {{ order_by }} asc)
        filter (where {{ column }} is not null))[1]
{%- endmacro %}
