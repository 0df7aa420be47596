-- Profiles and tmp identities deleted through the Django drop-in.
with

source as (
    select * from {{ source('cppa_raw', 'removals') }}
    where {{ watermark_filter() }}
),

renamed as (
    select
        event_id,
        node_id,
        kind,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
