-- One row per node with a deterministic link: its anchor, the smallest node id
-- of what every kind of evidence but the comparison model joins (an address,
-- an account, a noreply id, a declared or tmp identity, a decision, a lock).
-- The comparison model (int_comparison_pairs_scored) weighs pairs of anchors; a
-- node without such a link is its own anchor.
with

labelled as (
    select
        node_id,
        component_id
    from cppa_lib.connected_components(
        $$select node_a, node_b from {{ ref('int_evidence_edges_drawn') }}$$
    )
),

final as (
    select
        node_id,
        component_id as anchor_id
    from labelled
)

select * from final
