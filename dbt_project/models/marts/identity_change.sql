-- One row per merge or split seen between runs: the identity a group of nodes
-- left (retired when it no longer exists), the one they joined, when, and the
-- evidence now linking them. Follow retired ids to current ones with this table.
with

history as (select * from {{ ref('identity_membership_snapshot') }}),

edges as (select * from {{ ref('int_evidence_edges') }}),

moves as (
    select
        previous.node_id,
        previous.identity_id as from_identity_id,
        current_row.identity_id as to_identity_id,
        current_row.dbt_valid_from as changed_at
    from history as previous
    inner join history as current_row
        on
            previous.node_id = current_row.node_id
            and previous.dbt_valid_to = current_row.dbt_valid_from
    where previous.identity_id <> current_row.identity_id
),

grouped as (
    select
        from_identity_id,
        to_identity_id,
        changed_at,
        count(*) as node_count,
        array_agg(node_id order by node_id) as node_ids
    from moves
    group by from_identity_id, to_identity_id, changed_at
),

final as (
    select
        grouped.from_identity_id,
        grouped.to_identity_id,
        grouped.node_count,
        grouped.node_ids,
        -- snapshot times are UTC wall-clock times (dbt runs with TimeZone=UTC)
        grouped.changed_at at time zone 'UTC' as changed_at,
        case
            when exists (
                select 1 from history
                where
                    history.identity_id = grouped.from_identity_id
                    and history.dbt_valid_from <= grouped.changed_at
                    and (history.dbt_valid_to is null or history.dbt_valid_to > grouped.changed_at)
            ) then 'split'
            else 'merge'
        end as change_type,
        array(
            select distinct edges.evidence
            from edges
            where edges.node_a = any(grouped.node_ids) or edges.node_b = any(grouped.node_ids)
            order by edges.evidence
        ) as evidence
    from grouped
)

select * from final
