{#- Rows visible in the run's fixed snapshot. `cppa-identity run` passes the
    snapshot to every dbt connection as the setting cppa.watermark (through
    PGOPTIONS, so the project's parse does not change from run to run); without
    it, every committed row counts. -#}
{% macro watermark_filter(xid_column='loaded_xid') -%}
    pg_visible_in_snapshot(
        {{ xid_column }},
        (select coalesce(
            nullif(current_setting('cppa.watermark', true), '')::pg_snapshot,
            pg_current_snapshot()
        ))
    )
{%- endmacro %}
