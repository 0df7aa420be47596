with

source as (
    select * from {{ source('cppa_raw', 'tmp_identities') }}
    where {{ watermark_filter() }}
),

renamed as (
    select
        tmp_identity_id,
        display_name,
        description,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
