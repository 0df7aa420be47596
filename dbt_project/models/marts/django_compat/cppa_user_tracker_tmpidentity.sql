-- Tmp identities as the old app's TmpIdentity model reads them: live.
with

tmp_identities as (
    select * from {{ source('cppa_raw', 'tmp_identities') }}
),

final as (
    select
        tmp_identity_id as id,
        display_name::varchar(255) as display_name,
        description,
        loaded_at as created_at,
        loaded_at as updated_at
    from tmp_identities
)

select * from final
