-- One row per deterministic evidence edge between two nodes (profiles or
-- declared identities): everything but the comparison model's links, which
-- int_comparison_links_confirmed draws between the anchors these edges form.
-- Strengths (seed evidence_kinds): 6 lock, 5 manual same, 4 declared / tmp
-- identity / one account, 3 email / noreply id, 2 noreply login. The guards
-- come first, in their own models: which profiles give automatic evidence
-- (int_evidence_eligibility), which addresses count
-- (int_evidence_emails_usable); nothing crosses a lock's boundary except the
-- lock itself. Groups (one email, one tmp identity) become stars on their
-- smallest member (macro evidence_star), drawn per lock partition.
with

eligible as (select * from {{ ref('int_evidence_eligibility') }}),

usable_emails as (select * from {{ ref('int_evidence_emails_usable') }}),

lock_members as (select * from {{ ref('int_lock_members_listed') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

relations as (select * from {{ ref('int_temp_profile_identity_relations_collapsed') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

slack as (select * from {{ ref('int_slack_users_collapsed') }}),

discord as (select * from {{ ref('int_discord_profiles_collapsed') }}),

youtube as (select * from {{ ref('int_youtube_speakers_collapsed') }}),

{{ evidence_star(
    'shared_email', 'usable_emails', 'email_normalized', 'usable_emails.email_normalized'
) }},

usable_relations as (
    select
        relations.base_profile_id,
        relations.tmp_identity_id,
        eligible.lock_id
    from relations
    inner join eligible on relations.base_profile_id = eligible.base_profile_id
),

{{ evidence_star(
    'tmp_identity', 'usable_relations', 'tmp_identity_id', 'usable_relations.tmp_identity_id::text'
) }},

-- every login a GitHub account was seen with: a noreply address names the
-- account by id and login, and joins it only when both match (anyone can
-- write "5005+anylogin@users.noreply.github.com" as a commit's author)
account_logins as (
    select distinct
        base_profile_id,
        {{ fold_case('username') }} as login
    from {{ ref('stg_cppa_raw__github_accounts') }}
    where username <> ''
),

noreply_id as (
    select
        emails.base_profile_id as node_a,
        github.base_profile_id as node_b,
        'github_noreply_id' as evidence,
        emails.email_normalized as detail
    from emails
    inner join github on emails.github_noreply_account_id = github.github_account_id
    inner join account_logins
        on
            github.base_profile_id = account_logins.base_profile_id
            and emails.github_noreply_login = account_logins.login
    where emails.base_profile_id <> github.base_profile_id
),

unique_logins as (
    select
        {{ fold_case('username') }} as login,
        min(base_profile_id) as base_profile_id
    from github
    where username <> ''
    group by {{ fold_case('username') }}
    having count(*) = 1
),

noreply_login as (
    select
        emails.base_profile_id as node_a,
        unique_logins.base_profile_id as node_b,
        'github_noreply_login' as evidence,
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
        profiles.declared_identity_id::text as detail
    from profiles
    inner join identities on profiles.declared_identity_id = identities.identity_id
),

-- one platform account seen as two profiles (the Django drop-in keeps a second
-- profile with a key another one holds); negative GitHub ids are synthetic
account_keys as (
    select
        'github' as platform,
        github_account_id::text as account_key,
        base_profile_id
    from github
    where github_account_id > 0
    union all
    select
        'slack',
        slack_user_id,
        base_profile_id
    from slack
    union all
    select
        'discord',
        discord_user_id::text,
        base_profile_id
    from discord
    union all
    select
        'youtube',
        external_id,
        base_profile_id
    from youtube
),

account_holders as (
    select
        platform,
        account_key,
        base_profile_id,
        min(base_profile_id) over (partition by platform, account_key) as first_holder
    from account_keys
),

same_account as (
    select
        first_holder as node_a,
        base_profile_id as node_b,
        'same_account' as evidence,
        platform || ' ' || account_key as detail
    from account_holders
    where base_profile_id <> first_holder
),

-- pairwise evidence: both ends must be eligible (declared identity nodes are)
pairwise as (
    select * from same_account
    union all
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
    -- is one edge; strengths come from the seed evidence_kinds
    select distinct
        unioned.evidence,
        evidence_kinds.strength,
        unioned.detail,
        least(unioned.node_a, unioned.node_b) as node_a,
        greatest(unioned.node_a, unioned.node_b) as node_b
    from unioned
    inner join evidence_kinds on unioned.evidence = evidence_kinds.evidence
)

select * from final
