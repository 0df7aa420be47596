with

removed as (
    select node_id from {{ ref('stg_cppa_raw__removals') }}
    where kind = 'tmp_identity'
),

source as (
    select * from {{ source('cppa_raw', 'tmp_identities') }}
    where {{ watermark_filter() }}
        and tmp_identity_id not in (select removed.node_id from removed)
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
