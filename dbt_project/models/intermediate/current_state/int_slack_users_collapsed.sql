-- One row per Slack user: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__slack_users') }}
),

collapsed as (
    select
        base_profile_id,
        {{ latest_non_null('slack_user_id') }} as slack_user_id,
        coalesce({{ latest_non_null('username') }}, '') as username,
        coalesce({{ latest_non_null('display_name') }}, '') as display_name,
        coalesce({{ latest_non_null('avatar_url') }}, '') as avatar_url,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from observations
    group by base_profile_id
)

select * from collapsed
