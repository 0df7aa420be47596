{#- The platforms of var('single_account_platforms') as a SQL list of strings:
    'github', 'discord', 'youtube' -#}
{% macro single_account_platforms() -%}
    {%- for platform in var('single_account_platforms') -%}
        '{{ platform }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The platforms of var('platforms') as a SQL array of names in the order of
    their name_rank (loaders/platforms.py): array_position in it ranks a
    platform when an identity's name is chosen -#}
{% macro platforms_by_name_rank() -%}
    array[
    {%- for platform in var('platforms') | sort(attribute='name_rank') -%}
        '{{ platform.name }}'{{ ', ' if not loop.last }}
    {%- endfor -%}
    ]
{%- endmacro %}
