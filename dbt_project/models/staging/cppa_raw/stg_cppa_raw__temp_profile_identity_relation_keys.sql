with

source as (
    select * from {{ source('cppa_raw', 'temp_profile_identity_relation_keys') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id') }}
        and tmp_identity_id in (
            select tmp.tmp_identity_id from {{ ref('stg_cppa_raw__tmp_identities') }} as tmp
        )
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
