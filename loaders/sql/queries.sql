-- Static SQL used by the loaders, one statement per "-- name:" block.

-- name: email_current
select email_id, base_profile_id,
    (array_agg(email order by event_id desc) filter (where email is not null))[1],
    (array_agg(is_primary order by event_id desc) filter (where is_primary is not null))[1],
    (array_agg(is_active order by event_id desc) filter (where is_active is not null))[1]
from cppa_raw.emails
where email_id = %s
group by email_id, base_profile_id
having not bool_or(action = 'remove');

-- name: email_add
insert into cppa_raw.emails
    (email_id, base_profile_id, action, email, is_primary, is_active, source)
select nextval('cppa_raw.email_id_seq'), p.base_profile_id, 'add', %s, %s, %s, %s
from cppa_raw.profiles as p
where p.base_profile_id = %s
returning email_id;

-- name: email_update
insert into cppa_raw.emails
    (email_id, base_profile_id, action, email, is_primary, is_active, source)
values (%s, %s, 'update', %s, %s, %s, %s);

-- name: email_state
select base_profile_id, bool_or(action = 'remove')
from cppa_raw.emails
where email_id = %s
group by base_profile_id;

-- name: email_remove
insert into cppa_raw.emails (email_id, base_profile_id, action, source)
values (%s, %s, 'remove', %s);

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

-- name: decision_exists
select 1 from cppa_raw.manual_decisions where decision_id = %s;

-- name: decision_insert
insert into cppa_raw.manual_decisions
    (action, node_a, node_b, members, revokes_decision_id, reason, decided_by, source)
values (%s, %s, %s, %s, %s, %s, %s, %s)
returning decision_id;

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
