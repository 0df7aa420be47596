-- One row per decision still in force: not revoked, and for locks not unlocked later.
-- The rule's twin is the view cppa_raw.decisions_in_force (migration 0016) the
-- loaders and review query; tests/test_current_state.py holds the two equal.
with

decisions as (
    select * from {{ ref('stg_cppa_raw__manual_decisions') }}
),

revoked as (
    select distinct revokes_decision_id as decision_id
    from decisions
    where action = 'revoke'
),

live as (
    select decisions.*
    from decisions
    where
        action <> 'revoke'
        and decision_id not in (select revoked.decision_id from revoked)
),

final as (
    select live.*
    from live
    where not (
        live.action = 'lock'
        and exists (
            select 1
            from live as unlock
            where
                unlock.action = 'unlock'
                and unlock.node_a = live.node_a
                and unlock.decision_id > live.decision_id
        )
    )
    and live.action <> 'unlock'
)

select * from final
