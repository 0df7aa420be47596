-- The JSON Lines dump (loaders/ops/calls.py): the raw state as loader calls.
-- Everything is read from cppa_raw, so a dump needs no run and holds what the
-- collectors said up to now, including each profile's history of observations.

-- name: dump_nodes
-- Every node in id order: profiles (their key, every observation in order,
-- their current emails), declared identities (latest name and description) and
-- tmp identities.
with
email_state as (
    select
        email_id,
        base_profile_id,
        (array_agg(email order by event_id desc) filter (where email is not null))[1] as email,
        (array_agg(is_primary order by event_id desc)
            filter (where is_primary is not null))[1] as is_primary,
        (array_agg(is_active order by event_id desc)
            filter (where is_active is not null))[1] as is_active
    from cppa_raw.emails
    group by email_id, base_profile_id
    having not bool_or(action = 'remove')
),

profile_emails as (
    select
        base_profile_id,
        json_agg(json_build_object(
            'email', email, 'is_primary', is_primary, 'is_active', is_active) order by email_id)
            as emails
    from email_state
    group by base_profile_id
)

select
    'profile' as node, p.base_profile_id as id, p.platform as type, p.natural_key,
    u.author_name, null::text as display_name, null::text as description,
    case p.platform
        when 'github' then (select json_agg(o order by o.observation_id)
            from cppa_raw.github_accounts as o where o.base_profile_id = p.base_profile_id)
        when 'slack' then (select json_agg(o order by o.observation_id)
            from cppa_raw.slack_users as o where o.base_profile_id = p.base_profile_id)
        when 'discord' then (select json_agg(o order by o.observation_id)
            from cppa_raw.discord_profiles as o where o.base_profile_id = p.base_profile_id)
        when 'mailing_list' then (select json_agg(o order by o.observation_id)
            from cppa_raw.mailing_list_profiles as o where o.base_profile_id = p.base_profile_id)
        when 'wg21' then (select json_agg(o order by o.observation_id)
            from cppa_raw.wg21_paper_author_profiles as o
            where o.base_profile_id = p.base_profile_id)
        when 'youtube' then (select json_agg(o order by o.observation_id)
            from cppa_raw.youtube_speakers as o where o.base_profile_id = p.base_profile_id)
    end as observations,
    coalesce(pe.emails, '[]') as emails
from cppa_raw.profiles as p
left join cppa_raw.unknown_github_authors as u
    on p.platform = 'github' and u.github_account_id::text = p.natural_key
left join profile_emails as pe on pe.base_profile_id = p.base_profile_id
union all
select
    'identity', identity_id, null, null, null,
    (array_agg(display_name order by event_id desc) filter (where display_name is not null))[1],
    (array_agg(description order by event_id desc) filter (where description is not null))[1],
    null, null
from cppa_raw.identities
group by identity_id
union all
select
    'tmp_identity', tmp_identity_id, null, null, null, display_name, description, null, null
from cppa_raw.tmp_identities
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
select added.email_id
from cppa_raw.emails as added
where added.base_profile_id = %s and added.action = 'add' and added.email = %s
    and not exists (
        select from cppa_raw.emails as later
        where later.email_id = added.email_id
            and (later.action = 'remove' or (later.action = 'update' and later.email is not null))
    )
order by added.email_id
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
from cppa_raw.profile_emails(
    (select x.base_profile_id from cppa_raw.emails as x where x.email_id = %(id)s limit 1)
) as e
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
select c.identity_id from (
    select
        i.identity_id,
        (array_agg(i.display_name order by i.event_id desc)
            filter (where i.display_name is not null))[1] as display_name,
        coalesce((array_agg(i.description order by i.event_id desc)
            filter (where i.description is not null))[1], '') as description
    from cppa_raw.identities as i
    group by i.identity_id
    having not bool_or(i.action = 'remove')
) as c
where c.display_name = %(display_name)s and c.description = %(description)s
    and c.identity_id <> all(%(claimed)s)
order by c.identity_id limit 1;

-- name: existing_tmp_identity
select t.tmp_identity_id from cppa_raw.tmp_identities as t
where t.display_name = %(display_name)s and t.description = %(description)s
    and t.tmp_identity_id <> all(%(claimed)s)
    and not exists (
        select from cppa_raw.removals as r
        where r.node_id = t.tmp_identity_id and r.kind = 'tmp_identity'
    )
order by t.tmp_identity_id limit 1;

-- name: existing_decision
select d.decision_id from cppa_raw.manual_decisions as d
where d.action = %(action)s and d.node_a is not distinct from %(node_a)s
    and d.node_b is not distinct from %(node_b)s
    and d.revokes_decision_id is not distinct from %(revokes)s
    and d.members is not distinct from %(members)s::bigint []
    and d.reason = %(reason)s
    and d.decision_id <> all(%(claimed)s)
order by d.decision_id limit 1;
