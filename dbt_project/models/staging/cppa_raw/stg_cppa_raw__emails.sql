with

source as (
    select * from {{ source('cppa_raw', 'emails') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id') }}
),

renamed as (
    select
        event_id,
        email_id,
        base_profile_id,
        action,
        email,
        is_primary,
        is_active,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
