with

source as (
    select * from {{ source('cppa_raw', 'identities') }}
    where
        {{ watermark_filter() }}
        and {{ node_id_unheld('identity_id', [
            ['profiles', 'base_profile_id'], ['tmp_identities', 'tmp_identity_id']
        ]) }}
),

renamed as (
    select
        event_id,
        identity_id,
        action,
        display_name,
        description,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
