{#- True for rows of a node (profile or tmp identity) that was not deleted
    through the Django drop-in (source removals): a deleted node leaves the merge. -#}
{% macro not_removed(column, kind='profile') -%}
    {{ column }} not in (
        select removed.node_id from {{ ref('stg_cppa_raw__removals') }} as removed
        where removed.kind = '{{ kind }}'
    )
{%- endmacro %}

{#- True for rows about a profile the key registry holds (on `platform`, when
    given) and that was not deleted: an observation, email or link about any
    other id (written behind the loaders) is left out of the merge, and counted
    in raw_rows_left_out, rather than fail a data test and so every run. -#}
{% macro registered(column, platform=none) -%}
    {{ column }} in (
        select registered.base_profile_id from {{ ref('stg_cppa_raw__profiles') }} as registered
        {%- if platform %}
        where registered.platform = '{{ platform }}'
        {%- endif %}
    )
{%- endmacro %}

{#- True for rows of a declared or tmp identity whose id no node of an earlier
    kind holds (`holders`: [source table, id column] pairs). Profiles, tmp
    identities and declared identities share one id space; migration 0018
    refuses an id another kind holds, and two transactions that each add one
    leave the id to the first kind in that order: the other's rows are left out,
    counted in raw_rows_left_out, as the view cppa_raw.identity_states does. -#}
{% macro node_id_unheld(column, holders) -%}
    {%- for table, id_column in holders %}
    {{ column }} not in (
        select held.{{ id_column }} from {{ source('cppa_raw', table) }} as held
        where {{ watermark_filter('held.loaded_xid') }}
    )
    {%- if not loop.last %} and {% endif %}
    {%- endfor %}
{%- endmacro %}
