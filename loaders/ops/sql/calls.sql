-- The JSON Lines dump (loaders/ops/calls.py): the raw state as loader calls.
-- Everything is read from cppa_raw, so a dump needs no run and holds what the
-- collectors said up to now, including each profile's history of observations.

-- name: dump_nodes
-- Every node in id order: profiles (their key, every observation in order: the
-- case is one `when` per platform of loaders/platforms.py, made by calls.py;
-- their current emails: cppa_raw.current_emails), declared identities (their
-- name and description: cppa_raw.identity_states) and tmp identities. A node the
-- Django drop-in deleted is written too (observations and relations name it),
-- with is_removed, so the import deletes it again.
with
profile_emails as (
    select
        base_profile_id,
        json_agg(json_build_object(
            'email', email, 'is_primary', is_primary, 'is_active', is_active) order by email_id)
            as emails
    from cppa_raw.current_emails
    group by base_profile_id
),

removed as (
    select distinct node_id, kind from cppa_raw.removals
)

select
    'profile' as node, p.base_profile_id as id, p.platform as type, p.natural_key,
    u.author_name, null::text as display_name, null::text as description,
    case p.platform
        {observations}
    end as observations,
    coalesce(pe.emails, '[]') as emails,
    r.node_id is not null as is_removed
from cppa_raw.profiles as p
left join cppa_raw.unknown_github_authors as u
    on p.platform = 'github' and u.github_account_id::text = p.natural_key
left join profile_emails as pe on pe.base_profile_id = p.base_profile_id
left join removed as r on r.node_id = p.base_profile_id and r.kind = 'profile'
union all
select
    'identity', identity_id, null, null, null, display_name, description, null, null,
    is_removed
from cppa_raw.identity_states
union all
select
    'tmp_identity', t.tmp_identity_id, null, null, null, t.display_name, t.description, null,
    null, r.node_id is not null
from cppa_raw.tmp_identities as t
left join removed as r on r.node_id = t.tmp_identity_id and r.kind = 'tmp_identity'
order by 2;

-- name: dump_relations
-- Relations in force: the last event of each is an 'add'.
select k.base_profile_id, k.tmp_identity_id
from cppa_raw.temp_profile_identity_relation_keys as k
where (
    select r.action from cppa_raw.temp_profile_identity_relations as r
    where r.relation_id = k.relation_id
    order by r.event_id desc limit 1
) = 'add'
order by k.relation_id;

-- name: dump_decisions
select decision_id, action, node_a, node_b, members, revokes_decision_id, reason, decided_by,
    batch_id
from cppa_raw.manual_decisions
order by decision_id;

-- name: email_of_profile
-- The current email of a profile with this exact address (an import's reference).
select c.email_id
from cppa_raw.current_emails as c
where c.base_profile_id = %s and c.email = %s
order by c.email_id
limit 1;

-- What an import finds already there (importing a dump twice adds nothing): the
-- first row not yet claimed by this import that the line would have written.

-- name: existing_email
select e.email_id from cppa_raw.profile_emails(%(profile)s) as e
where e.email = %(email)s and e.is_primary = %(is_primary)s and e.is_active = %(is_active)s
    and e.email_id <> all(%(claimed)s)
order by e.email_id limit 1;

-- name: current_email
select e.email, e.is_primary, e.is_active
from cppa_raw.current_emails as e
where e.email_id = %(id)s;

-- name: removed_email
select exists (
    select from cppa_raw.emails as added
    where added.base_profile_id = %(profile)s and added.action = 'add'
        and added.email = %(email)s
        and exists (
            select from cppa_raw.emails as gone
            where gone.email_id = added.email_id and gone.action = 'remove'
        )
);

-- name: existing_identity
select c.identity_id from cppa_raw.identity_states as c
where c.is_removed = %(removed)s
    and c.display_name = %(display_name)s and c.description = %(description)s
    and c.identity_id <> all(%(claimed)s)
order by c.identity_id limit 1;

-- name: existing_tmp_identity
select t.tmp_identity_id from cppa_raw.tmp_identities as t
where t.display_name = %(display_name)s and t.description = %(description)s
    and t.tmp_identity_id <> all(%(claimed)s)
    and exists (
        select from cppa_raw.removals as r
        where r.node_id = t.tmp_identity_id and r.kind = 'tmp_identity'
    ) = %(removed)s
order by t.tmp_identity_id limit 1;

-- What the Django drop-in's triggers write when the ORM deletes a node
-- (loaders/django_app/sql/install.sql), unless the node is deleted already.

-- name: remove_identity
insert into cppa_raw.identities (identity_id, action, source)
select %(id)s, 'remove', %(source)s
where not exists (
    select from cppa_raw.identities as i where i.identity_id = %(id)s and i.action = 'remove'
);

-- name: remove_node
insert into cppa_raw.removals (node_id, kind, source)
select %(id)s, %(kind)s, %(source)s
where not exists (
    select from cppa_raw.removals as r where r.node_id = %(id)s and r.kind = %(kind)s
);

-- name: existing_decision
select d.decision_id from cppa_raw.manual_decisions as d
where d.action = %(action)s and d.node_a is not distinct from %(node_a)s
    and d.node_b is not distinct from %(node_b)s
    and d.revokes_decision_id is not distinct from %(revokes)s
    and d.members is not distinct from %(members)s::bigint []
    and d.reason = %(reason)s
    and d.decision_id <> all(%(claimed)s)
order by d.decision_id limit 1;
