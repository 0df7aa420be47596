-- One row per strong evidence edge between two nodes (profiles or declared
-- identities). Every automatic merge is explained by these rows.
-- strength: 6 lock, 5 manual same, 4 declared / tmp identity, 3 email / noreply id,
-- 2 noreply login. Guards (bots, organisations, blocked or hub emails, splits,
-- locks) are applied here.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

relations as (select * from {{ ref('int_temp_profile_identity_relations_collapsed') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

blocked_emails as (select * from {{ ref('blocked_emails') }}),

hubs as (select * from {{ ref('int_evidence_hubs') }}),

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

usable_emails as (
    select distinct
        emails.base_profile_id,
        emails.email_normalized
    from emails
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
        min(base_profile_id) as anchor_id
    from usable_emails
    group by email_normalized
),

shared_email as (
    select
        email_anchors.anchor_id as node_a,
        usable_emails.base_profile_id as node_b,
        'shared_email' as evidence,
        3 as strength,
        usable_emails.email_normalized as detail
    from usable_emails
    inner join email_anchors on usable_emails.email_normalized = email_anchors.email_normalized
    where usable_emails.base_profile_id <> email_anchors.anchor_id
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

tmp_anchors as (
    select
        tmp_identity_id,
        min(base_profile_id) as anchor_id
    from relations
    group by tmp_identity_id
),

tmp_identity as (
    select
        tmp_anchors.anchor_id as node_a,
        relations.base_profile_id as node_b,
        'tmp_identity' as evidence,
        4 as strength,
        relations.tmp_identity_id::text as detail
    from relations
    inner join tmp_anchors on relations.tmp_identity_id = tmp_anchors.tmp_identity_id
    where relations.base_profile_id <> tmp_anchors.anchor_id
),

automatic as (
    select * from shared_email
    union all
    select * from noreply_id
    union all
    select * from noreply_login
    union all
    select * from declared
    union all
    select * from tmp_identity
),

not_a_person as (
    select base_profile_id as node_id from profiles
    where is_not_a_person
),

split_nodes as (
    select node_a as node_id from decisions
    where action = 'split'
),

guarded as (
    select automatic.*
    from automatic
    where
        automatic.node_a not in (select not_a_person.node_id from not_a_person)
        and automatic.node_b not in (select not_a_person.node_id from not_a_person)
        and automatic.node_a not in (select split_nodes.node_id from split_nodes)
        and automatic.node_b not in (select split_nodes.node_id from split_nodes)
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

lock_members as (
    select distinct on (member_id)
        decision_id as lock_id,
        unnest(members) as member_id
    from decisions
    where action = 'lock'
    order by member_id asc, decision_id desc
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
    select * from guarded
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

final as (
    select * from outside_locks
    union all
    select * from lock_edges
)

select
    evidence,
    strength,
    detail,
    least(node_a, node_b) as node_a,
    greatest(node_a, node_b) as node_b
from final
