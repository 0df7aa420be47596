-- One row per GitHub account: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__github_accounts') }}
),

collapsed as (
    select
        base_profile_id,
        {{ latest_non_null('github_account_id') }} as github_account_id,
        coalesce({{ latest_non_null('username') }}, '') as username,
        coalesce({{ latest_non_null('display_name') }}, '') as display_name,
        coalesce({{ latest_non_null('avatar_url') }}, '') as avatar_url,
        coalesce({{ latest_non_null('account_type') }}, 'user') as account_type,
        {{ first_non_null('declared_identity_id') }} as declared_identity_id,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from observations
    group by base_profile_id
)

select * from collapsed
