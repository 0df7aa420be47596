-- Decisions valid in the database, not only in the CLI: a row whose shape no
-- caller may record (a self-pair, a lock with a NULL member, a revoke of
-- nothing) is refused whoever writes it. Every new row is checked; the rows
-- recorded before are too where they all pass (validated below), and stay as
-- they were otherwise.
alter table cppa_raw.manual_decisions add constraint manual_decisions_shape check (
    case
        when action in ('same', 'different', 'dismiss')
            then node_a is not null and node_b is not null and node_a <> node_b
        when action in ('split', 'lock', 'unlock') then node_a is not null
        when action = 'revoke' then revokes_decision_id is not null
        else false
    end
    and (members is null or (
        action = 'lock' and cardinality(members) > 0 and array_position(members, null) is null
    ))
) not valid;
do $$
begin
    alter table cppa_raw.manual_decisions validate constraint manual_decisions_shape;
exception when check_violation then
    -- decisions from before that no caller may record now: left as they are
    raise notice 'manual_decisions: older rows break manual_decisions_shape; kept';
end
$$;

-- A batch belongs to the login that took it: only that login records
-- decisions in it (revoke_batch undoes a batch whole).
create table cppa_ops.decision_batches (
    batch_id bigint primary key,
    login text not null default session_user,
    created_at timestamptz not null default clock_timestamp()
);

create function cppa_ops.new_decision_batch() returns bigint
language sql security definer set search_path = pg_catalog, pg_temp
as $$
    insert into cppa_ops.decision_batches (batch_id, login)
    values (nextval('cppa_raw.decision_batch_seq'), session_user)
    returning batch_id;
$$;

-- The one way a reviewer records a decision: the server checks what the
-- constraint cannot (the ids exist, a revoke undoes a decision, the batch is
-- this login's) and records the login itself.
create function cppa_ops.record_decision(
    p_action text, p_node_a bigint, p_node_b bigint, p_members bigint [],
    p_revokes bigint, p_reason text, p_decided_by text, p_source text, p_batch bigint,
    out decision_id bigint, out decided_by_login text
) language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    node bigint;
    target text;
    holder text;
begin
    perform pg_advisory_xact_lock(74657303);  -- queries.sql decision_lock
    foreach node in array array_remove(array[p_node_a, p_node_b] || p_members, null) loop
        if not exists (select from cppa_raw.profiles where base_profile_id = node)
            and not exists (select from cppa_raw.identities where identity_id = node) then
            raise exception using errcode = '23503',
                message = format('%s is neither a profile nor an identity', node);
        end if;
    end loop;
    if p_revokes is not null then
        select d.action into target from cppa_raw.manual_decisions as d
        where d.decision_id = p_revokes;
        if target is null or target = 'revoke' then
            raise exception using errcode = '23503',
                message = format('decision %s is not a decision a revoke can undo', p_revokes);
        end if;
    end if;
    if p_batch is not null then
        select b.login into holder from cppa_ops.decision_batches as b where b.batch_id = p_batch;
        if holder is null then  -- a batch from before this migration: its decisions' login
            select min(d.decided_by_login) into holder from cppa_raw.manual_decisions as d
            where d.batch_id = p_batch;
        end if;
        if holder is distinct from session_user then
            raise exception using errcode = '42501',
                message = format('batch %s is not one this login (%s) took', p_batch, session_user);
        end if;
    end if;
    insert into cppa_raw.manual_decisions as d (
        action, node_a, node_b, members, revokes_decision_id, reason, decided_by, source,
        batch_id, decided_by_login
    )
    values (
        p_action, p_node_a, p_node_b, p_members, p_revokes, coalesce(p_reason, ''),
        coalesce(p_decided_by, ''), p_source, p_batch, session_user
    )
    returning d.decision_id, d.decided_by_login into decision_id, decided_by_login;
end
$$;

revoke all on function cppa_ops.new_decision_batch(), cppa_ops.record_decision(
    text, bigint, bigint, bigint [], bigint, text, text, text, bigint
) from public;
revoke all on cppa_ops.decision_batches from public;
