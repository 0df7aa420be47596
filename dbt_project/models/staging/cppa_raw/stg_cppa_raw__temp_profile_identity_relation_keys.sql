with

source as (
    select * from {{ source('cppa_raw', 'temp_profile_identity_relation_keys') }}
    where
        {{ watermark_filter() }}
        and {{ not_removed('base_profile_id') }}
        and {{ not_removed('tmp_identity_id', 'tmp_identity') }}
),

renamed as (
    select
        relation_id,
        base_profile_id,
        tmp_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
