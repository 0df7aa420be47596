{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['identity_id']}]) }}
-- One row per profile of any platform, with the identity it belongs to.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

final as (
    select
        profiles.base_profile_id as id,
        clustered.identity_id,
        profiles.platform as type,
        profiles.created_at,
        profiles.updated_at
    from profiles
    inner join clustered on profiles.base_profile_id = clustered.node_id
)

select * from final
