with

source as (
    select * from {{ source('cppa_raw', 'discord_profiles') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id', 'discord') }}
),

renamed as (
    select
        observation_id,
        base_profile_id,
        discord_user_id,
        username,
        display_name,
        avatar_url,
        is_bot,
        identity_id as declared_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
