-- One row per component that strong evidence would have formed but a
-- "different" decision forbids; it was cut on its weakest evidence.
with

conflicts as (select * from {{ ref('int_conflicts_detected') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

final as (
    select
        conflicts.component_id,
        min(conflicts.decision_ids) as decision_ids,
        count(*) as node_count,
        count(distinct clustered.identity_id) as identity_count,
        array_agg(distinct clustered.identity_id order by clustered.identity_id) as identity_ids,
        min(clustered.conflict_cut_level) as cut_level
    from conflicts
    inner join clustered on conflicts.node_id = clustered.node_id
    group by conflicts.component_id
)

select * from final
