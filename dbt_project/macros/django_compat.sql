{#- The Django compatibility views (models/marts/django_compat): named like the
    old app's tables, typed like its models (varchar(N) where a field has
    max_length=N), read-only.
    `keys`: [name, column type] constant per profile (its natural key). -#}

{#- A platform profile as Django's multi-table inheritance child table sees it:
    the profile's live current state from raw (`fields`: [name, default or none,
    column type]), keyed by baseprofile_ptr_id. -#}
{% macro django_profile_view(table, fields, keys=[]) -%}
with

current_state as (
    {{ collapse_observations(source('cppa_raw', table), fields, keys=keys | map('first') | list) }}
),

final as (
    select
        base_profile_id as baseprofile_ptr_id,
        {%- for name, type in keys %}
        {{ name }}{% if type %}::{{ type }}{% endif %} as {{ name }},
        {%- endfor %}
        {%- for name, default, type in fields %}
        {{ name }}{% if type %}::{{ type }}{% endif %} as {{ name }},
        {%- endfor %}
        created_at,
        updated_at
    from current_state
)

select * from final
{%- endmacro %}

{#- Every write through the views is refused, the owner's included: rows are
    the loaders' (post-hook on each view). -#}
{% macro refuse_django_writes() -%}
    create trigger refuse_writes instead of insert or update or delete on {{ this }}
    for each row execute function cppa_raw.refuse_django_write()
{%- endmacro %}
