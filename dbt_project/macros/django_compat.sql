{#- A view named like the old Django table, over a mart, so the existing app can
    keep reading it as an unmanaged model. Platform tables also expose
    baseprofile_ptr_id, Django's multi-table-inheritance key. -#}
{% macro django_compat_view(mart, columns, ptr=false) -%}
select
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    {%- if ptr %}
    id as baseprofile_ptr_id,
    {%- endif %}
    id
from {{ ref(mart) }}
{%- endmacro %}
