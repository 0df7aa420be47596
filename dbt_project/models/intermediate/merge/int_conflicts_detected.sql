-- One row per node in a component that would violate a "different" decision
-- or hold two accounts of one platform that only the comparison model joins
-- (int_account_conflicts_listed); decision_ids: the decisions it violates.
with

components as (select * from {{ ref('int_components_labelled') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

account_conflicts as (select * from {{ ref('int_account_conflicts_listed') }}),

violated as (
    select distinct
        component_a.component_id,
        decisions.decision_id
    from decisions
    inner join components as component_a on decisions.node_a = component_a.node_id
    inner join components as component_b on decisions.node_b = component_b.node_id
    where
        decisions.action = 'different'
        and component_a.component_id = component_b.component_id
    union
    select
        component_id,
        null
    from account_conflicts
),

final as (
    select
        components.node_id,
        components.component_id,
        coalesce(
            array_agg(violated.decision_id order by violated.decision_id)
            filter (where violated.decision_id is not null),
            '{}'
        ) as decision_ids
    from components
    inner join violated on components.component_id = violated.component_id
    group by components.node_id, components.component_id
)

select * from final
