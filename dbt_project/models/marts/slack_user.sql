{{ config(indexes=[
    {'columns': ['id'], 'unique': true},
    {'columns': ['slack_user_id']},
]) }}
-- One row per Slack user.
with

slack as (select * from {{ ref('int_slack_users_collapsed') }}),

final as (
    select
        base_profile_id as id,
        slack_user_id,
        username,
        display_name,
        avatar_url,
        created_at,
        updated_at
    from slack
)

select * from final
