with

source as (
    select * from {{ source('cppa_raw', 'temp_profile_identity_relations') }}
    where {{ watermark_filter() }}
),

renamed as (
    select
        event_id,
        relation_id,
        action,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
