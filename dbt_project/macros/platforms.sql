{#- The platforms of var('single_account_platforms') as a SQL list of strings:
    'github', 'discord', 'youtube' -#}
{% macro single_account_platforms() -%}
    {%- for platform in var('single_account_platforms') -%}
        '{{ platform }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
