-- One row per node with a link other than a name: its anchor, the smallest
-- node id of what every kind of evidence but the names joins (an address, an
-- account, a noreply id, a declared or tmp identity, a decision, a lock).
-- The name policy (int_name_links_confirmed) judges name links between anchors.
with

labelled as (
    select
        node_id,
        component_id
    from cppa_lib.connected_components(
        $$select node_a, node_b from {{ ref('int_evidence_edges_drawn') }}
        where evidence <> 'distinctive_name'$$
    )
),

final as (
    select
        node_id,
        component_id as anchor_id
    from labelled
)

select * from final
