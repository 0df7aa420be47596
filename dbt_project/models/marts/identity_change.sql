-- One row per merge or split seen between runs: the identity a group of nodes
-- left (retired when it no longer exists), the one they joined, when, and why,
-- as the run that saw the change recorded it in the snapshot (never recomputed):
-- a merge by the evidence that held the nodes in their new identity, a split by
-- the decisions keeping them apart and the evidence they lost ("lost …").
-- Follow retired ids to current ones with this table.
with

history as (select * from {{ ref('identity_membership_snapshot') }}),

moves as (
    select
        previous.node_id,
        previous.identity_id as from_identity_id,
        current_row.identity_id as to_identity_id,
        current_row.dbt_valid_from as changed_at,
        coalesce(current_row.joined_by, '{}') as joined_now,
        coalesce(previous.joined_by, '{}') as joined_before,
        coalesce(current_row.kept_apart_by, '{}') as kept_apart_by
    from history as previous
    inner join history as current_row
        on
            previous.node_id = current_row.node_id
            and previous.dbt_valid_to = current_row.dbt_valid_from
    where previous.identity_id <> current_row.identity_id
),

reasons as (
    select
        moves.from_identity_id,
        moves.to_identity_id,
        moves.changed_at,
        reason.kind,
        reason.text
    from moves
    cross join lateral (
        select
            'joined' as kind,
            joined.text
        from unnest(moves.joined_now) as joined (text)
        union all
        select
            'apart',
            apart.text
        from unnest(moves.kept_apart_by) as apart (text)
        union all
        select
            'apart',
            'lost ' || lost.text
        from unnest(moves.joined_before) as lost (text)
        where not lost.text = any(moves.joined_now)
    ) as reason
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

typed as (
    select
        grouped.*,
        case
            when exists (
                select 1 from history
                where
                    history.identity_id = grouped.from_identity_id
                    and history.dbt_valid_from <= grouped.changed_at
                    and (history.dbt_valid_to is null or history.dbt_valid_to > grouped.changed_at)
            ) then 'split'
            else 'merge'
        end as change_type
    from grouped
),

final as (
    select
        typed.from_identity_id,
        typed.to_identity_id,
        typed.node_count,
        typed.node_ids,
        typed.change_type,
        -- snapshot times are UTC wall-clock times (dbt runs with TimeZone=UTC)
        typed.changed_at at time zone 'UTC' as changed_at,
        array(
            select distinct reasons.text
            from reasons
            where
                reasons.from_identity_id = typed.from_identity_id
                and reasons.to_identity_id = typed.to_identity_id
                and reasons.changed_at = typed.changed_at
                and reasons.kind
                = case typed.change_type when 'split' then 'apart' else 'joined' end
            order by reasons.text
        ) as evidence
    from typed
)

select * from final
