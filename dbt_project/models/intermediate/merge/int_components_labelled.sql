-- One row per node that has at least one evidence edge, labelled with the
-- smallest node id of its connected component (all strong evidence).
with

labelled as (
    select *
    from cppa_lib.connected_components(
        $$select node_a, node_b from {{ ref('int_evidence_edges_collected') }}$$
    )
),

final as (
    select
        node_id,
        component_id,
        rounds as cc_rounds,
        jumps as cc_jumps
    from labelled
)

select * from final
