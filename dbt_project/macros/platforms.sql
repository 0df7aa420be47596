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

{#- The entry of var('platforms') called `name` (loaders/platforms.py declares it) -#}
{% macro platform(name) -%}
    {%- for entry in var('platforms') if entry.name == name -%}
        {{ return(entry) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no platform '" ~ name ~ "' in var('platforms')") }}
{%- endmacro %}

{#- A platform's staging model, stg_cppa_raw__<table>: its raw observations up
    to the run's watermark, of profiles the key registry holds on it, with its
    key column and fields as var('platforms') lists them, renamed -#}
{% macro stg_platform(name) -%}
{%- set entry = platform(name) -%}
with

source as (
    select * from {{ source('cppa_raw', entry.table) }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id', entry.name) }}
),

renamed as (
    select
        observation_id,
        base_profile_id,
        {%- if entry.key_column %}
        {{ entry.key_column }},
        {%- endif %}
        {%- for field in entry.fields %}
        {{ field[0] }},
        {%- endfor %}
        identity_id as declared_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
{%- endmacro %}

{#- One row per profile of a platform: its staging model's observations reduced
    to current state, each field of var('platforms') the latest given, else its
    default there (what the loaders' values show), the identity the first one
    declared -#}
{% macro collapse_platform(name) -%}
{%- set entry = platform(name) -%}
{%- set key = [[entry.key_column, none]] if entry.key_column else [] -%}
{{ collapse_observations(
    ref('stg_cppa_raw__' ~ entry.table), key + entry.fields, identity_column='declared_identity_id'
) }}
{%- endmacro %}
