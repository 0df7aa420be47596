{{ config(indexes=[
    {'columns': ['id'], 'unique': true},
    {'columns': ['discord_user_id']},
]) }}
-- One row per Discord profile.
with

discord as (select * from {{ ref('int_discord_profiles_collapsed') }}),

final as (
    select
        base_profile_id as id,
        discord_user_id,
        username,
        display_name,
        avatar_url,
        is_bot,
        created_at,
        updated_at
    from discord
)

select * from final
