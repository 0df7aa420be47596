-- Every profile as the old app's BaseProfile model reads it: live from raw, with
-- the identity the last run gave it (NULL until a run has seen it).
with

profiles as (
    select * from {{ source('cppa_raw', 'profiles') }}
),

nodes as (
    select * from {{ ref('identity_node') }}
),

final as (
    select
        profiles.base_profile_id as id,
        nodes.identity_id,
        profiles.platform::varchar(20) as type
    from profiles
    left join nodes on profiles.base_profile_id = nodes.node_id
)

select * from final
