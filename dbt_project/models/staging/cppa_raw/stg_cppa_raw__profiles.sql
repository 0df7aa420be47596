with

source as (
    select * from {{ source('cppa_raw', 'profiles') }}
    where
        {{ watermark_filter() }}
        and {{ not_removed('base_profile_id') }}
),

renamed as (
    select
        base_profile_id::bigint as base_profile_id,
        platform::text as platform,
        natural_key::text as natural_key,
        loaded_at as first_loaded_at,
        source as source_name
    from source
)

select * from renamed
