with

source as (
    select * from {{ source('cppa_raw', 'tmp_identities') }}
    where
        {{ watermark_filter() }}
        and {{ not_removed('tmp_identity_id', 'tmp_identity') }}
        and {{ node_id_unheld('tmp_identity_id', [['profiles', 'base_profile_id']]) }}
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
