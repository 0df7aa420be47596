-- One row per node (profile or declared identity) with its identity id: the
-- smallest node id of its component. A component that would violate a
-- "different" decision, or hold two accounts of one platform that only the
-- comparison model joins (int_account_conflicts_listed), loses a minimum cut
-- of its links (cppa_lib.separate):
-- the fewest links that part the two sides, weighed by strength so that the
-- weakest evidence goes first and one stronger link outweighs every weaker
-- link of the component. The rest of the component stays joined.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

components as (select * from {{ ref('int_components_labelled') }}),

nodes as (
    select
        base_profile_id as node_id,
        'profile' as node_type
    from profiles
    union all
    select
        identity_id,
        'identity'
    from identities
),

-- a link's capacity is base ^ rank, its strength's rank among the seed's
-- strengths (0 for the weakest) and base one more than the conflict links'
-- count: the links of lower ranks together never weigh as much as one of a
-- higher rank
resolved as (
    select
        node_id,
        component_id,
        cut_with
    from cppa_lib.separate(
        $$with
        conflict_edges as (
            select e.node_a, e.node_b, e.strength
            from {{ ref('int_evidence_edges_collected') }} as e
            inner join {{ ref('int_conflicts_detected') }} as ca on e.node_a = ca.node_id
            inner join {{ ref('int_conflicts_detected') }} as cb on e.node_b = cb.node_id
        ),
        ranks as (
            select strength, dense_rank() over (order by strength) - 1 as strength_rank
            from (select distinct strength from {{ ref('evidence_kinds') }}) as s
        )
        select
            conflict_edges.node_a,
            conflict_edges.node_b,
            power((select count(*) + 1 from conflict_edges)::numeric, ranks.strength_rank)
        from conflict_edges
        inner join ranks on conflict_edges.strength = ranks.strength$$,
        $$select node_a, node_b from {{ ref('int_manual_decisions_filtered') }}
        where action = 'different'
        union
        select node_a, node_b from {{ ref('int_account_conflicts_listed') }}$$
    )
),

final as (
    select
        nodes.node_id,
        nodes.node_type,
        -- the nodes it lost a direct link to, as text (dbt's unit tests cannot
        -- mock an array column of an input)
        nullif(array_to_string(resolved.cut_with, ' '), '') as conflict_cut_with,
        coalesce(resolved.component_id, components.component_id, nodes.node_id) as identity_id
    from nodes
    left join components on nodes.node_id = components.node_id
    left join resolved on nodes.node_id = resolved.node_id
)

select * from final
