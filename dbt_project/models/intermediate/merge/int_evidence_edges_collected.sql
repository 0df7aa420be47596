-- One row per strong evidence edge between two nodes (profiles or declared
-- identities). Every automatic merge is explained by these rows.
-- strength: 6 lock, 5 manual same, 4 declared / tmp identity, 3 email / noreply id,
-- 2 noreply login. Guards apply to nodes before any edge is drawn: bots and
-- organisations, split profiles, blocked and hub emails give no automatic
-- evidence; nothing crosses a lock's boundary except the lock itself.
-- Groups (one email, one tmp identity) become stars on their smallest member,
-- drawn per lock partition so that a guarded member never cuts the others apart.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

relations as (select * from {{ ref('int_temp_profile_identity_relations_collapsed') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

blocked_emails as (select * from {{ ref('blocked_emails') }}),

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

lock_members as (
    select distinct on (member_id)
        decision_id as lock_id,
        unnest(members) as member_id
    from decisions
    where action = 'lock'
    order by member_id asc, decision_id desc
),

-- profiles whose automatic evidence counts, with their lock partition (0 = none)
eligible as (
    select
        profiles.base_profile_id,
        coalesce(lock_members.lock_id, 0) as lock_id
    from profiles
    left join lock_members on profiles.base_profile_id = lock_members.member_id
    where
        not profiles.is_not_a_person
        and profiles.base_profile_id not in (
            select decisions.node_a from decisions
            where decisions.action = 'split'
        )
),

usable_emails as (
    select distinct
        emails.base_profile_id,
        emails.email_normalized,
        eligible.lock_id
    from emails
    inner join eligible on emails.base_profile_id = eligible.base_profile_id
    where
        emails.is_valid_email
        and not exists (
            select 1 from blocked_emails
            where emails.email_normalized like blocked_emails.email_pattern
        )
        and not exists (
            select 1 from hubs
            where hubs.identifier_kind = 'email' and hubs.identifier = emails.email_normalized
        )
),

email_anchors as (
    select
        email_normalized,
        lock_id,
        min(base_profile_id) as anchor_id
    from usable_emails
    group by email_normalized, lock_id
),

shared_email as (
    select
        email_anchors.anchor_id as node_a,
        usable_emails.base_profile_id as node_b,
        'shared_email' as evidence,
        3 as strength,
        usable_emails.email_normalized as detail
    from usable_emails
    inner join email_anchors
        on
            usable_emails.email_normalized = email_anchors.email_normalized
            and usable_emails.lock_id = email_anchors.lock_id
    where usable_emails.base_profile_id <> email_anchors.anchor_id
),

usable_relations as (
    select
        relations.base_profile_id,
        relations.tmp_identity_id,
        eligible.lock_id
    from relations
    inner join eligible on relations.base_profile_id = eligible.base_profile_id
),

tmp_anchors as (
    select
        tmp_identity_id,
        lock_id,
        min(base_profile_id) as anchor_id
    from usable_relations
    group by tmp_identity_id, lock_id
),

tmp_identity as (
    select
        tmp_anchors.anchor_id as node_a,
        usable_relations.base_profile_id as node_b,
        'tmp_identity' as evidence,
        4 as strength,
        usable_relations.tmp_identity_id::text as detail
    from usable_relations
    inner join tmp_anchors
        on
            usable_relations.tmp_identity_id = tmp_anchors.tmp_identity_id
            and usable_relations.lock_id = tmp_anchors.lock_id
    where usable_relations.base_profile_id <> tmp_anchors.anchor_id
),

noreply_id as (
    select
        emails.base_profile_id as node_a,
        github.base_profile_id as node_b,
        'github_noreply_id' as evidence,
        3 as strength,
        emails.email_normalized as detail
    from emails
    inner join github on emails.github_noreply_account_id = github.github_account_id
    where emails.base_profile_id <> github.base_profile_id
),

unique_logins as (
    select
        lower(username) as login,
        min(base_profile_id) as base_profile_id
    from github
    where username <> ''
    group by lower(username)
    having count(*) = 1
),

noreply_login as (
    select
        emails.base_profile_id as node_a,
        unique_logins.base_profile_id as node_b,
        'github_noreply_login' as evidence,
        2 as strength,
        emails.email_normalized as detail
    from emails
    inner join unique_logins on emails.github_noreply_login = unique_logins.login
    where
        emails.github_noreply_account_id is null
        and emails.base_profile_id <> unique_logins.base_profile_id
),

declared as (
    select
        profiles.base_profile_id as node_a,
        profiles.declared_identity_id as node_b,
        'declared_identity' as evidence,
        4 as strength,
        profiles.declared_identity_id::text as detail
    from profiles
    inner join identities on profiles.declared_identity_id = identities.identity_id
),

-- pairwise evidence: both ends must be eligible (declared identity nodes are)
pairwise as (
    select * from noreply_id
    union all
    select * from noreply_login
    union all
    select * from declared
),

eligible_nodes as (
    select base_profile_id as node_id from eligible
    union all
    select identity_id from identities
),

automatic as (
    select * from shared_email
    union all
    select * from tmp_identity
    union all
    select pairwise.*
    from pairwise
    where
        pairwise.node_a in (select eligible_nodes.node_id from eligible_nodes)
        and pairwise.node_b in (select eligible_nodes.node_id from eligible_nodes)
),

manual_same as (
    select
        node_a,
        node_b,
        'manual_same' as evidence,
        5 as strength,
        'decision ' || decision_id as detail
    from decisions
    where action = 'same'
),

lock_anchors as (
    select
        lock_id,
        min(member_id) as anchor_id
    from lock_members
    group by lock_id
),

lock_edges as (
    select
        lock_anchors.anchor_id as node_a,
        lock_members.member_id as node_b,
        'lock' as evidence,
        6 as strength,
        'decision ' || lock_members.lock_id as detail
    from lock_members
    inner join lock_anchors on lock_members.lock_id = lock_anchors.lock_id
    where lock_members.member_id <> lock_anchors.anchor_id
),

candidate_edges as (
    select * from automatic
    union all
    select * from manual_same
),

outside_locks as (
    select candidate_edges.*
    from candidate_edges
    left join lock_members as lock_a on candidate_edges.node_a = lock_a.member_id
    left join lock_members as lock_b on candidate_edges.node_b = lock_b.member_id
    where lock_a.lock_id is not distinct from lock_b.lock_id
),

unioned as (
    select * from outside_locks
    union all
    select * from lock_edges
),

final as (
    -- distinct: one piece of evidence recorded twice (an address added twice)
    -- is one edge
    select distinct
        evidence,
        strength,
        detail,
        least(node_a, node_b) as node_a,
        greatest(node_a, node_b) as node_b
    from unioned
)

select * from final
