{#- A custom schema is used as given (marts land in exactly `cppa_identity`), not
    prefixed with the target schema. `cppa-identity run` builds the marts into
    var('marts_schema') = cppa_identity__next and swaps it in atomically once
    every model and test passed. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'cppa_identity' -%}
        {{ var('marts_schema', 'cppa_identity') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
