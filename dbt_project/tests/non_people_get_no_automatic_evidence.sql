-- Guard on every publish: bots and organisations are never merged with anyone by
-- automatic evidence (only a person's decision or a lock can join them).
with

edges as (select * from {{ ref('int_evidence_edges_collected') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }})

select
    edges.node_a,
    edges.node_b,
    edges.evidence
from edges
inner join profiles
    on profiles.base_profile_id in (edges.node_a, edges.node_b)
where
    profiles.is_not_a_person
    and edges.evidence not in ('manual_same', 'lock')
