{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['identity_id']}]) }}
-- One row per profile with its identity and the names people search for: the
-- platform-neutral view that `show` and `export` read.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

final as (
    select
        profiles.base_profile_id as id,
        clustered.identity_id,
        profiles.platform as type,
        profiles.username,
        profiles.display_name,
        profiles.is_bot,
        profiles.is_organization,
        profiles.created_at,
        profiles.updated_at
    from profiles
    inner join clustered on profiles.base_profile_id = clustered.node_id
)

select * from final
