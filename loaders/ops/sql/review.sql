-- Queries behind `status`, `show`, `candidates` and `demo` (loaders/ops/review.py).

-- name: profiles_by_platform
select platform, count(*) from cppa_raw.profiles group by 1 order by 1;

-- name: last_run
select run_id, started_at, finished_at, outcome from cppa_ops.runs
order by run_id desc limit 1;

-- name: evidence_hub_count
select count(*) from cppa_identity.evidence_hub;

-- name: raw_profile_count
select count(*) from cppa_raw.profiles;

-- name: show_lookup
-- Identities matching the query, what matched on each, and how many matched in all.
with
matches as (
    select
        p.identity_id,
        unnest(array[
            case when p.id::text = %(q)s or p.identity_id::text = %(q)s then 'id' end,
            case when e.email_normalized = cppa_lib.normalize_email_unicode(%(q)s) then 'email' end,
            case when lower(p.username collate cppa_raw.fold) = lower(%(q)s collate cppa_raw.fold) then 'login' end,
            case when s.slack_user_id = %(q)s then 'slack id' end,
            case when d.discord_user_id::text = %(q)s then 'discord id' end,
            case when lower(%(q)s collate cppa_raw.fold)
            in (lower(i.display_name collate cppa_raw.fold), lower(p.display_name collate cppa_raw.fold)) then 'name' end
        ]) as matched_by
    from cppa_identity.identity_profile as p
    left join cppa_identity.email as e on e.base_profile_id = p.id
    left join cppa_identity.slack_user as s on s.id = p.id
    left join cppa_identity.discord_profile as d on d.id = p.id
    left join cppa_identity.identity as i on i.id = p.identity_id
    where p.id::text = %(q)s or p.identity_id::text = %(q)s
       or e.email_normalized = cppa_lib.normalize_email_unicode(%(q)s)
       or lower(p.username collate cppa_raw.fold) = lower(%(q)s collate cppa_raw.fold)
       or s.slack_user_id = %(q)s or d.discord_user_id::text = %(q)s
       or lower(%(q)s collate cppa_raw.fold)
            in (lower(i.display_name collate cppa_raw.fold), lower(p.display_name collate cppa_raw.fold))
)
select
    identity_id,
    array_agg(distinct matched_by) filter (where matched_by is not null) as matched_by,
    count(*) over () as total
from matches
group by identity_id
order by identity_id
limit %(limit)s;

-- name: show_identities
select * from cppa_identity.identity where id = any(%(ids)s) order by id;

-- name: show_profiles
select
    p.identity_id, p.id, p.type, p.username, p.display_name,
    array(
        select e.email from cppa_identity.email as e
        where e.base_profile_id = p.id order by e.id
    ) as emails
from cppa_identity.identity_profile as p
where p.identity_id = any(%(ids)s)
order by p.id;

-- name: show_evidence
select identity_id, node_a, node_b, evidence, detail, provenance
from cppa_identity.identity_evidence
where identity_id = any(%(ids)s)
order by strength desc, node_a, node_b;

-- name: show_history
select * from cppa_identity.identity_change
where from_identity_id = any(%(ids)s) or to_identity_id = any(%(ids)s)
order by changed_at;

-- name: candidates
-- Candidates scoring at least min_score, carrying a reason of that kind when one
-- is given (reasons read "kind: detail"), best first; `limit` of them (NULL: all).
select
    c.candidate_id, c.identity_a, a.display_name as name_a, c.identity_b,
    b.display_name as name_b, c.score, c.reasons
from cppa_identity.identity_merge_candidate as c
inner join cppa_identity.identity as a on a.id = c.identity_a
inner join cppa_identity.identity as b on b.id = c.identity_b
where c.score >= %(min_score)s
    and (%(reason)s::text is null
        or exists (select from unnest(c.reasons) as r where split_part(r, ':', 1) = %(reason)s))
order by c.score desc, c.identity_a, c.identity_b
limit %(limit)s;

-- name: profile_identities
select id, identity_id from cppa_identity.base_profile;

-- name: largest_identities
select id, display_name, profile_count from cppa_identity.identity
order by profile_count desc, id limit %(limit)s;

-- name: conflicts
select c.component_id, c.decision_ids, c.node_count, c.identity_ids,
    array(
        select i.display_name from cppa_identity.identity as i
        where i.id = any(c.identity_ids) order by i.id
    ) as names
from cppa_identity.identity_conflict as c
order by c.component_id;

-- name: show_conflicts
select c.component_id, c.decision_ids, c.identity_ids
from cppa_identity.identity_conflict as c
where c.identity_ids && %(ids)s::bigint[];

-- name: candidate_summary
-- How many candidates carry each reason, and how many fall in each score band.
select 'reason' as kind, split_part(r.reason, ':', 1) as label, count(distinct c.candidate_id) as n
from cppa_identity.identity_merge_candidate as c
cross join lateral unnest(c.reasons) as r (reason)
group by 1, 2
union all
select 'score', case
        when c.score >= 0.9 then '0.9-1.0'
        when c.score >= 0.7 then '0.7-0.9'
        when c.score >= 0.5 then '0.5-0.7'
        else '0.0-0.5'
    end, count(*)
from cppa_identity.identity_merge_candidate as c
group by 1, 2
order by 1, 3 desc, 2;

-- name: audit
select e.identity_id, i.display_name, e.node_a, e.node_b, e.evidence, e.detail, e.provenance
from cppa_identity.identity_evidence as e
inner join cppa_identity.identity as i on i.id = e.identity_id
where e.evidence = %(evidence)s
order by e.identity_id, e.node_a, e.node_b
limit %(limit)s;

-- name: dismiss_target
-- The identities of a and b at the last run, and whether a merge candidate
-- stands between them.
with ids as (
    select
        (select n.identity_id from cppa_identity.identity_node as n where n.node_id = %(a)s)
            as identity_a,
        (select n.identity_id from cppa_identity.identity_node as n where n.node_id = %(b)s)
            as identity_b
)

select
    ids.identity_a,
    ids.identity_b,
    exists (
        select from cppa_identity.identity_merge_candidate as c
        where
            least(c.identity_a, c.identity_b) = least(ids.identity_a, ids.identity_b)
            and greatest(c.identity_a, c.identity_b) = greatest(ids.identity_a, ids.identity_b)
    ) as is_candidate
from ids;
