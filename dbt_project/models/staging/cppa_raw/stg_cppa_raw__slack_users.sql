with

source as (
    select * from {{ source('cppa_raw', 'slack_users') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id', 'slack') }}
),

renamed as (
    select
        observation_id,
        base_profile_id,
        slack_user_id,
        username,
        display_name,
        avatar_url,
        identity_id as declared_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
