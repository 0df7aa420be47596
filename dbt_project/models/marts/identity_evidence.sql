-- One row per strong evidence edge that holds an identity together: why these
-- profiles were merged.
with

edges as (select * from {{ ref('int_evidence_edges_collected') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

final as (
    select
        clustered_a.identity_id,
        edges.node_a,
        edges.node_b,
        edges.evidence,
        edges.strength,
        edges.detail
    from edges
    inner join clustered as clustered_a on edges.node_a = clustered_a.node_id
    inner join clustered as clustered_b on edges.node_b = clustered_b.node_id
    where clustered_a.identity_id = clustered_b.identity_id
)

select * from final
