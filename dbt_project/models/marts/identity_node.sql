{{ config(indexes=[{'columns': ['node_id'], 'unique': true}, {'columns': ['identity_id']}]) }}
-- One row per node of the identity graph (profile or declared identity) with
-- the identity it belongs to: follow any stored id to its current identity.
with

clustered as (select * from {{ ref('int_profiles_clustered') }}),

final as (
    select
        node_id,
        node_type,
        identity_id
    from clustered
)

select * from final
