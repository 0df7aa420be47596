-- One row per node (profile or declared identity) with its identity and, as they
-- stand in this run, the evidence holding it there and the decisions keeping it
-- apart. The membership snapshot stores them with every change of identity, so a
-- change is explained once, by the run that saw it, and never worked out again.
with

clustered as (select * from {{ ref('int_profiles_clustered') }}),

edges as (select * from {{ ref('int_evidence_edges_collected') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

edge_ends as (
    select
        node_a as node_id,
        node_b as other_id,
        evidence,
        detail
    from edges
    union all
    select
        node_b,
        node_a,
        evidence,
        detail
    from edges
),

joined as (
    select
        edge_ends.node_id,
        array_agg(
            distinct edge_ends.evidence
            || case
                when edge_ends.detail like 'decision %' then ' (' || edge_ends.detail || ')'
                else ''
            end
        ) as joined_by
    from edge_ends
    inner join clustered as mine on edge_ends.node_id = mine.node_id
    inner join clustered as theirs on edge_ends.other_id = theirs.node_id
    where mine.identity_id = theirs.identity_id
    group by edge_ends.node_id
),

cuts as (
    select
        node_a as node_id,
        action,
        decision_id
    from decisions
    where action in ('different', 'split')
    union all
    select
        node_b,
        action,
        decision_id
    from decisions
    where action = 'different'
),

apart as (
    select
        node_id,
        array_agg(distinct action || ' (decision ' || decision_id || ')') as kept_apart_by
    from cuts
    group by node_id
),

final as (
    select
        clustered.node_id,
        clustered.node_type,
        clustered.identity_id,
        coalesce(joined.joined_by, '{}') as joined_by,
        coalesce(apart.kept_apart_by, '{}') as kept_apart_by
    from clustered
    left join joined on clustered.node_id = joined.node_id
    left join apart on clustered.node_id = apart.node_id
)

select * from final
