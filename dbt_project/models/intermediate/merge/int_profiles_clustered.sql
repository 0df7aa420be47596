-- One row per node (profile or declared identity) with its identity id: the
-- smallest node id of its component. A component that would violate a
-- "different" decision is re-cut with only stronger evidence, level by level,
-- keeping the weakest cut that satisfies every decision.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

components as (select * from {{ ref('int_components_labelled') }}),

conflicts as (select * from {{ ref('int_conflicts_detected') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

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

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

-- the re-cut levels: every strength above the weakest, from the seed, so a
-- strength changed or added there is a level here; above the strongest, every
-- node stands alone
bounds as (
    select
        min(strength) as weakest,
        max(strength) as strongest
    from evidence_kinds
),

levels as (
    select distinct evidence_kinds.strength as cut_level
    from evidence_kinds
    cross join bounds
    where evidence_kinds.strength > bounds.weakest
),

level_components as (
    select
        levels.cut_level,
        cc.node_id,
        cc.component_id
    from levels
    cross join
        lateral cppa_lib.connected_components(format(
            $$select e.node_a, e.node_b
            from {{ ref('int_evidence_edges_collected') }} as e
            inner join {{ ref('int_conflicts_detected') }} as ca on e.node_a = ca.node_id
            inner join {{ ref('int_conflicts_detected') }} as cb on e.node_b = cb.node_id
            where e.strength >= %s$$,
            levels.cut_level
        )) as cc
),

conflict_levels as (
    select
        conflicts.node_id,
        levels.cut_level,
        coalesce(level_components.component_id, conflicts.node_id) as component_id
    from conflicts
    cross join levels
    left join level_components
        on
            conflicts.node_id = level_components.node_id
            and levels.cut_level = level_components.cut_level
    union all
    select
        conflicts.node_id,
        bounds.strongest + 1 as cut_level,
        conflicts.node_id as component_id
    from conflicts
    cross join bounds
),

violations as (
    select distinct
        level_a.cut_level,
        level_a.component_id
    from decisions
    inner join conflict_levels as level_a on decisions.node_a = level_a.node_id
    inner join conflict_levels as level_b
        on
            decisions.node_b = level_b.node_id
            and level_a.cut_level = level_b.cut_level
    where
        decisions.action = 'different'
        and level_a.component_id = level_b.component_id
),

resolved as (
    select distinct on (conflict_levels.node_id)
        conflict_levels.node_id,
        conflict_levels.component_id,
        conflict_levels.cut_level
    from conflict_levels
    where
        not exists (
            select 1 from violations
            where
                violations.cut_level = conflict_levels.cut_level
                and violations.component_id = conflict_levels.component_id
        )
    order by conflict_levels.node_id, conflict_levels.cut_level
),

final as (
    select
        nodes.node_id,
        nodes.node_type,
        resolved.cut_level as conflict_cut_level,
        coalesce(resolved.component_id, components.component_id, nodes.node_id) as identity_id
    from nodes
    left join components on nodes.node_id = components.node_id
    left join resolved on nodes.node_id = resolved.node_id
)

select * from final
