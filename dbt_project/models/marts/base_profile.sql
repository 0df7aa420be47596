{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['identity_id']}]) }}
-- One row per profile of any platform, with the identity it belongs to (the
-- reference table's columns of identity_profile).
with

profiles as (select * from {{ ref('identity_profile') }}),

final as (
    select
        id,
        identity_id,
        type,
        created_at,
        updated_at
    from profiles
)

select * from final
