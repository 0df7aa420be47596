{#- Rows visible in the run's fixed snapshot; every row when no watermark is set. -#}
{% macro watermark_filter(xid_column='loaded_xid') -%}
    {%- if var('watermark', '') -%}
        pg_visible_in_snapshot({{ xid_column }}, '{{ var("watermark") }}'::pg_snapshot)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
