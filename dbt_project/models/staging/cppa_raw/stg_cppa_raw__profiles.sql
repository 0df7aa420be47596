with

removed as (
    select node_id from {{ ref('stg_cppa_raw__removals') }}
    where kind = 'profile'
),

source as (
    select * from {{ source('cppa_raw', 'profiles') }}
    where {{ watermark_filter() }}
        and base_profile_id not in (select removed.node_id from removed)
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
