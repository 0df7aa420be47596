-- One row per component that strong evidence would have formed but a
-- "different" decision forbids, with the links its minimum cut took.
with

conflicts as (select * from {{ ref('int_conflicts_detected') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

edges as (select * from {{ ref('int_evidence_edges_collected') }}),

cut_links as (
    select distinct
        conflicts.component_id,
        least(clustered.node_id, cut.other_id) as node_a,
        greatest(clustered.node_id, cut.other_id) as node_b
    from conflicts
    inner join clustered on conflicts.node_id = clustered.node_id
    cross join
        lateral unnest(
            string_to_array(clustered.conflict_cut_with, ' ')::bigint[]
        ) as cut (other_id)
),

cuts as (
    select
        cut_links.component_id,
        count(distinct cut_links.node_a::text || '-' || cut_links.node_b::text) as cut_link_count,
        array_agg(distinct edges.evidence order by edges.evidence) as cut_evidence
    from cut_links
    inner join edges
        on
            cut_links.node_a = least(edges.node_a, edges.node_b)
            and cut_links.node_b = greatest(edges.node_a, edges.node_b)
    group by cut_links.component_id
),

components as (
    select
        conflicts.component_id,
        min(conflicts.decision_ids) as decision_ids,
        count(*) as node_count,
        count(distinct clustered.identity_id) as identity_count,
        array_agg(distinct clustered.identity_id order by clustered.identity_id) as identity_ids
    from conflicts
    inner join clustered on conflicts.node_id = clustered.node_id
    group by conflicts.component_id
),

final as (
    select
        components.component_id,
        components.decision_ids,
        components.node_count,
        components.identity_count,
        components.identity_ids,
        coalesce(cuts.cut_link_count, 0) as cut_link_count,
        coalesce(cuts.cut_evidence, '{}') as cut_evidence
    from components
    left join cuts on components.component_id = cuts.component_id
)

select * from final
