-- Guard on every publish: people decide last; a "different" pair never shares an
-- identity, whatever the evidence.
with

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }})

select
    decisions.decision_id,
    decisions.node_a,
    decisions.node_b,
    clustered_a.identity_id
from decisions
inner join clustered as clustered_a on decisions.node_a = clustered_a.node_id
inner join clustered as clustered_b on decisions.node_b = clustered_b.node_id
where
    decisions.action = 'different'
    and clustered_a.identity_id = clustered_b.identity_id
