-- Static SQL used by the loaders, one statement per "-- name:" block.

-- name: email_add
insert into cppa_raw.emails
    (email_id, base_profile_id, action, email, is_primary, is_active, source)
select nextval('cppa_raw.email_id_seq'), p.base_profile_id, 'add', %s, %s, %s, %s
from cppa_raw.profiles as p
where p.base_profile_id = %s
returning email_id;

-- name: email_update
-- One statement: the email's current state (cppa_raw.current_emails, migration
-- 0016), an 'update' event when anything was given, and the state after it (no
-- row: unknown or removed).
with
cur as materialized (
    select base_profile_id, email, is_primary, is_active
    from cppa_raw.current_emails
    where email_id = %(id)s
),
ins as (
    insert into cppa_raw.emails
        (email_id, base_profile_id, action, email, is_primary, is_active, source)
    select %(id)s, cur.base_profile_id, 'update', %(new_email)s::text,
        %(new_is_primary)s::boolean, %(new_is_active)s::boolean, %(source)s::text
    from cur
    where coalesce(%(new_email)s::text, %(new_is_primary)s::text, %(new_is_active)s::text)
        is not null
)
select base_profile_id,
    coalesce(%(new_email)s::text, email),
    coalesce(%(new_is_primary)s::boolean, is_primary),
    coalesce(%(new_is_active)s::boolean, is_active)
from cur;

-- name: email_remove
-- One statement: a 'remove' event unless already removed; no row: unknown id.
with
cur as materialized (
    select base_profile_id, bool_or(action = 'remove') as removed
    from cppa_raw.emails
    where email_id = %(id)s
    group by base_profile_id
),
ins as (
    insert into cppa_raw.emails (email_id, base_profile_id, action, source)
    select %(id)s, cur.base_profile_id, 'remove', %(source)s::text
    from cur
    where not cur.removed
)
select base_profile_id from cur;

-- name: email_batch_create
create temp table cppa_email_batch (
    ord bigint, base_profile_id bigint, email text, is_primary boolean, is_active boolean
) on commit drop;

-- name: email_batch_missing_profile
select b.ord, b.base_profile_id
from cppa_email_batch as b
where not exists (
    select from cppa_raw.profiles as p where p.base_profile_id = b.base_profile_id)
order by b.ord
limit 1;

-- name: email_batch_insert
insert into cppa_raw.emails
    (email_id, base_profile_id, action, email, is_primary, is_active, source)
select nextval('cppa_raw.email_id_seq'), base_profile_id, 'add', email, is_primary,
    is_active, %s
from cppa_email_batch
order by ord
returning email_id;

-- name: identity_create
insert into cppa_raw.identities (identity_id, action, display_name, description, source)
values (nextval('cppa_raw.node_id_seq'), 'create', %s, %s, %s)
returning identity_id;

-- name: identity_get_or_create
select * from cppa_raw.get_or_create_identity(%s, %s, %s, %s);

-- name: tmp_identity_create
insert into cppa_raw.tmp_identities (display_name, description, source)
values (%s, %s, %s)
returning tmp_identity_id;

-- name: tmp_relation_set
select * from cppa_raw.set_temp_profile_identity_relation(%s, %s, %s, %s);

-- name: decision_lock
-- Decisions are checked against the ones in force, then recorded: one at a time
-- (the key: loaders/locks.py DECISION).
select pg_advisory_xact_lock(%s);

-- name: decision_get
-- A decision and the revoke that cancelled it, if any (a revoke is never revoked:
-- to restore what it undid, record that decision again).
select d.action, d.node_a, d.node_b, (
    select min(r.decision_id) from cppa_raw.manual_decisions as r
    where r.action = 'revoke' and r.revokes_decision_id = d.decision_id
) as revoked_by
from cppa_raw.manual_decisions as d
where d.decision_id = %s;

-- name: decisions_in_force_on
-- Decisions that stand (not revoked; unlocks and the locks they undo too) about
-- the pair (a, b), or about node a alone.
select d.decision_id, d.action
from cppa_raw.decisions_unrevoked as d
where
    (
        (least(d.node_a, d.node_b) = least(%(a)s::bigint, %(b)s::bigint)
            and greatest(d.node_a, d.node_b) = greatest(%(a)s::bigint, %(b)s::bigint))
        or (%(b)s::bigint is null and d.node_b is null and d.node_a = %(a)s::bigint)
    )
order by d.decision_id;

-- name: locks_holding
-- Locks in force whose frozen members include node n.
select d.decision_id, d.node_a
from cppa_raw.decisions_in_force as d
where d.action = 'lock' and %(n)s::bigint = any(d.members)
order by d.decision_id;

-- name: same_decisions_on
-- "same" decisions in force that name node n.
select d.decision_id, case when d.node_a = %(n)s::bigint then d.node_b else d.node_a end
from cppa_raw.decisions_in_force as d
where d.action = 'same' and %(n)s::bigint in (d.node_a, d.node_b)
order by d.decision_id;

-- name: decision_insert
-- Through the owner's function (migration 0013): the server checks the ids, the
-- batch's login, and records this login.
select decision_id, decided_by_login
from cppa_ops.record_decision(%s, %s, %s, %s, %s, %s, %s, %s, %s);

-- name: decision_batch_new
select cppa_ops.new_decision_batch();

-- name: decision_batch_members
-- The decisions of a batch, each with the revoke that undid it (or NULL).
select d.decision_id, (
    select min(r.decision_id) from cppa_raw.manual_decisions as r
    where r.action = 'revoke' and r.revokes_decision_id = d.decision_id
) as revoked_by
from cppa_raw.manual_decisions as d
where d.batch_id = %s
order by d.decision_id;

-- name: node_exists
select exists (select from cppa_raw.profiles where base_profile_id = %(n)s)
    or exists (select from cppa_raw.identities where identity_id = %(n)s);

-- name: identity_members
select node_id from cppa_identity.identity_node where identity_id = %s order by node_id;

-- name: github_account_by_username
select base_profile_id
from (
    select o.base_profile_id,
        (array_agg(o.username order by o.observation_id desc)
            filter (where o.username is not null))[1] as username
    from cppa_raw.github_accounts as o
    where o.base_profile_id in (
        select base_profile_id from cppa_raw.github_accounts where lower(username) = lower(%s))
    group by o.base_profile_id
) as current
where lower(username) = lower(%s)
order by base_profile_id
limit 1;
