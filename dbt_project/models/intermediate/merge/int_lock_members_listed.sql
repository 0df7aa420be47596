-- One row per node frozen by a lock in force: the lock's decision and the member
-- (a node belongs to its latest lock).
with

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

final as (
    select distinct on (member_id)
        decision_id as lock_id,
        unnest(members) as member_id
    from decisions
    where action = 'lock'
    order by member_id asc, decision_id desc
)

select * from final
