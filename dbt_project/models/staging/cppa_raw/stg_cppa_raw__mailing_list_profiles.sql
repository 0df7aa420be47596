with

source as (
    select * from {{ source('cppa_raw', 'mailing_list_profiles') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id', 'mailing_list') }}
),

renamed as (
    select
        observation_id,
        base_profile_id,
        display_name,
        identity_id as declared_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
