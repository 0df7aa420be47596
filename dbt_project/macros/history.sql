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

{#- A profile's observations reduced to its current state, one row per profile:
    each field its latest non-null value (`fields`: [name, default or none, …]),
    the first declared identity, first and last load times. `keys` are columns
    constant per profile, grouped on rather than aggregated, so that a filter on
    them reaches the table's index (the live Django views). -#}
{% macro collapse_observations(relation, fields, identity_column=none, keys=[]) -%}
    select
        base_profile_id,
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {%- for field in fields %}
        {%- if field[1] is none %}
        {{ latest_non_null(field[0]) }} as {{ field[0] }},
        {%- else %}
        coalesce({{ latest_non_null(field[0]) }}, {{ field[1] }}) as {{ field[0] }},
        {%- endif %}
        {%- endfor %}
        {%- if identity_column %}
        {{ first_non_null(identity_column) }} as declared_identity_id,
        {%- endif %}
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from {{ relation }}
    group by base_profile_id{% for key in keys %}, {{ key }}{% endfor %}
{%- endmacro %}
