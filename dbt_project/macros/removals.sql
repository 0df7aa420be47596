{#- True for rows of a node (profile or tmp identity) that was not deleted
    through the Django drop-in (source removals): a deleted node leaves the merge. -#}
{% macro not_removed(column, kind='profile') -%}
    {{ column }} not in (
        select removed.node_id from {{ ref('stg_cppa_raw__removals') }} as removed
        where removed.kind = '{{ kind }}'
    )
{%- endmacro %}
