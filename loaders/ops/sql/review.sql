-- Queries behind `status`, `show`, `candidates` and `demo` (loaders/ops/review.py).

-- name: profiles_by_platform
select platform, count(*) from cppa_raw.profiles group by 1 order by 1;

-- name: last_run
select run_id, started_at, finished_at, outcome, kind from cppa_ops.runs
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
select * from cppa_identity.identity where id = any(%(ids)s::bigint []) order by id;

-- name: show_profiles
select
    p.identity_id, p.id, p.type, p.username, p.display_name,
    array(
        select e.email from cppa_identity.email as e
        where e.base_profile_id = p.id order by e.id
    ) as emails
from cppa_identity.identity_profile as p
where p.identity_id = any(%(ids)s::bigint [])
order by p.id;

-- name: show_evidence
select identity_id, node_a, node_b, evidence, detail, provenance
from cppa_identity.identity_evidence
where identity_id = any(%(ids)s::bigint [])
order by strength desc, node_a, node_b;

-- name: show_history
select * from cppa_identity.identity_change
where from_identity_id = any(%(ids)s::bigint []) or to_identity_id = any(%(ids)s::bigint [])
order by changed_at;

-- name: candidate_filter
-- Which merge candidates (alias c) a selection chooses: a score band, a reason
-- kind, a platform on either side (NULL: any); `{candidate_filter}` in the
-- statements below stands for it.
    c.score >= %(min_score)s
    and (%(max_score)s::numeric is null or c.score < %(max_score)s)
    and (%(reason)s::text is null
        or exists (select from unnest(c.reasons) as r where split_part(r, ':', 1) = %(reason)s))
    and (%(platform)s::text is null
        or exists (
            select from cppa_identity.identity_profile as p
            where p.identity_id in (c.identity_a, c.identity_b) and p.type = %(platform)s
        ));

-- name: candidates
-- Candidates scoring at least min_score (and below max_score), carrying a reason
-- of that kind (reasons read "kind: detail") and a profile of that platform on
-- either side when given, best first; `limit` of them (NULL: all).
{candidate_rows}
where {candidate_filter}
order by c.score desc, c.identity_a, c.identity_b
limit %(limit)s;

-- name: profile_identities
select id, identity_id from cppa_identity.base_profile;

-- name: largest_identities
select id, display_name, profile_count from cppa_identity.identity
order by profile_count desc, id limit %(limit)s;

-- name: conflicts
-- (the cut's columns read through jsonb: marts published before they existed
-- have none, and show a cut of nothing)
select c.component_id, c.decision_ids, c.node_count, c.identity_ids,
    array(
        select i.display_name from cppa_identity.identity as i
        where i.id = any(c.identity_ids) order by i.id
    ) as names,
    coalesce((to_jsonb(c) ->> 'cut_link_count')::integer, 0) as cut_link_count,
    array(
        select jsonb_array_elements_text(coalesce(to_jsonb(c) -> 'cut_evidence', '[]'))
    ) as cut_evidence
from cppa_identity.identity_conflict as c
order by c.component_id;

-- name: show_conflicts
select c.component_id, c.decision_ids, c.identity_ids
from cppa_identity.identity_conflict as c
where c.identity_ids && %(ids)s::bigint[];

-- name: candidate_summary_mart
select kind, label, n from cppa_identity.identity_candidate_summary
order by 1, 3 desc, 2;

-- name: candidate_summary
-- How many candidates carry each reason, and how many fall in each score band
-- (marts published before identity_candidate_summary existed).
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

-- name: search
-- Identities with a name, login or address that begins with the folded query
-- (a whole value or one of its words; a leading @ is a login's), what matched
-- on each, best first: whole values matched exactly, then the most profiles.
with
q as (
    select ltrim(cppa_lib.fold_search(%(q)s), '@') collate "C" as term
),

hits as (
    select t.identity_id, t.kind, t.value, t.term = q.term as exact
    from cppa_identity.identity_search_term as t
    cross join q
    where q.term <> '' and t.term >= q.term and t.term < q.term || chr(1114111)
),

ranked as (
    select
        h.identity_id,
        bool_or(h.exact) as exact,
        array_agg(distinct h.kind || ' ' || h.value) as matched,
        count(*) over () as total
    from hits as h
    group by h.identity_id
)

select
    r.identity_id, i.display_name, i.profile_count, r.exact, r.matched[1:5] as matched,
    r.total
from ranked as r
inner join cppa_identity.identity as i on i.id = r.identity_id
order by r.exact desc, i.profile_count desc, r.identity_id
limit %(limit)s;

-- name: queue
-- One page of the review queue: the candidates `candidates` selects, grouped by
-- their first identity (groups by their best score, the mart's group_score),
-- best first within a group; read off the mart's index on (group_score,
-- identity_a, score, identity_b) backwards, so a page costs its own rows.
with
c as (
    select
        c.candidate_id, c.identity_a, c.identity_b, c.score, c.reasons, c.group_score
    from cppa_identity.identity_merge_candidate as c
    where {candidate_filter}
),

page as (
    select * from c
    order by c.group_score desc, c.identity_a desc, c.score desc, c.identity_b desc
    limit %(limit)s offset %(offset)s
)

select
    page.candidate_id, page.identity_a,
    (select a.display_name from cppa_identity.identity as a where a.id = page.identity_a) as name_a,
    page.identity_b,
    (select b.display_name from cppa_identity.identity as b where b.id = page.identity_b) as name_b,
    page.score, page.reasons
from page
order by page.group_score desc, page.identity_a desc, page.score desc, page.identity_b desc;

-- name: pending_decisions
-- Decisions in force between the identities of these pairs (given as two
-- arrays), as of the last run's identities: recorded, taking effect at the next.
select
    least(na.identity_id, nb.identity_id) as identity_a,
    greatest(na.identity_id, nb.identity_id) as identity_b,
    d.decision_id, d.action
from cppa_raw.decisions_in_force as d
inner join cppa_identity.identity_node as na on na.node_id = d.node_a
inner join cppa_identity.identity_node as nb on nb.node_id = d.node_b
where d.action in ('same', 'different', 'dismiss')
    and (least(na.identity_id, nb.identity_id), greatest(na.identity_id, nb.identity_id))
    in (select * from unnest(%(a)s::bigint [], %(b)s::bigint []))
order by d.decision_id;

-- name: decisions
-- Every decision, newest first, with the revoke that undid it (if any).
select
    d.decision_id, d.action, d.node_a, d.node_b, d.members, d.revokes_decision_id,
    d.reason, d.decided_by, d.decided_by_login, d.source, d.batch_id, d.loaded_at,
    (
        select min(r.decision_id) from cppa_raw.manual_decisions as r
        where r.action = 'revoke' and r.revokes_decision_id = d.decision_id
    ) as revoked_by,
    count(*) over () as total
from cppa_raw.manual_decisions as d
order by d.decision_id desc
limit %(limit)s offset %(offset)s;

-- name: runs
select
    run_id, kind, started_at, finished_at, outcome, counts, message, run_by,
    -- an unchanged run is logged in one statement: its two clock readings may cross
    greatest(extract(epoch from coalesce(finished_at, clock_timestamp()) - started_at), 0)
        as seconds
from cppa_ops.runs
order by run_id desc
limit %(limit)s;

-- name: node_identity
select identity_id from cppa_identity.identity_node where node_id = %(id)s;

-- name: queue_total
-- How many candidates the queue's filters select.
select count(*)
from cppa_identity.identity_merge_candidate as c
where {candidate_filter};

-- name: candidate_platforms
-- How many candidates have a profile of each platform on either side (the
-- counts beside the queue's Platform filter).
select 'platform' as kind, p.type as label, count(distinct c.candidate_id) as n
from cppa_identity.identity_merge_candidate as c
cross join lateral (values (c.identity_a), (c.identity_b)) as side (identity_id)
inner join cppa_identity.identity_profile as p on p.identity_id = side.identity_id
group by p.type;

-- name: lock_pending
-- The lock or unlock of this identity that stands, newest first (the identity
-- page shows one the next run has not applied yet).
select d.decision_id, d.action
from cppa_raw.decisions_unrevoked as d
where d.action in ('lock', 'unlock') and d.node_a = %(id)s
order by d.decision_id desc
limit 1;

-- name: candidate_rows
-- A candidate with both identities' names (the candidates' statements start so).
select
    c.candidate_id, c.identity_a, a.display_name as name_a, c.identity_b,
    b.display_name as name_b, c.score, c.reasons
from cppa_identity.identity_merge_candidate as c
inner join cppa_identity.identity as a on a.id = c.identity_a
inner join cppa_identity.identity as b on b.id = c.identity_b;

-- name: candidates_between
-- The candidates between these pairs of identities (given as two arrays).
{candidate_rows}
where (c.identity_a, c.identity_b) in (select * from unnest(%(a)s::bigint [], %(b)s::bigint []))
order by c.score desc, c.identity_a, c.identity_b;

-- name: audit_counts
select e.evidence, count(*) from cppa_identity.identity_evidence as e group by e.evidence;
