with

source as (
    select * from {{ source('cppa_raw', 'github_accounts') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id', 'github') }}
),

renamed as (
    select
        observation_id,
        base_profile_id,
        github_account_id,
        username,
        display_name,
        avatar_url,
        account_type,
        identity_id as declared_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
