-- One platform account seen as two profiles (the Django drop-in keeps a second
-- profile with a key another one holds): each later holder joins the first;
-- negative GitHub ids are synthetic. Pairwise: int_evidence_edges_drawn keeps
-- an edge when both ends are eligible.
{{ config(materialized='view') }}

with

-- the accounts of each platform (var platforms: its key column, and which of
-- its profiles are the platform's own accounts)
account_keys (platform, account_key, base_profile_id) as (
    {%- for platform in var('platforms') if platform.is_platform_account != 'false' %}
        select
            '{{ platform.name }}',
            {{ platform.key_column }}::text,
            base_profile_id
        from {{ ref('int_' ~ platform.table ~ '_collapsed') }}
        where {{ platform.is_platform_account }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

account_holders as (
    select
        platform,
        account_key,
        base_profile_id,
        min(base_profile_id) over (partition by platform, account_key) as first_holder
    from account_keys
),

final as (
    select
        first_holder as node_a,
        base_profile_id as node_b,
        'same_account' as evidence,
        platform || ' ' || account_key as detail
    from account_holders
    where base_profile_id <> first_holder
)

select * from final
