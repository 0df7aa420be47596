-- One row per strong evidence edge between two nodes (profiles or declared
-- identities). Every automatic merge is explained by these rows.
-- Strengths (seed evidence_kinds): 6 lock, 5 manual same, 4 declared / tmp
-- identity, 3 email / noreply id, 2 noreply login, 1 distinctive name. Guards
-- apply to nodes before any edge is drawn: bots and organisations, split
-- profiles and profiles naming two GitHub accounts give no automatic evidence,
-- nor do blocked, relay and hub emails; nothing crosses a lock's boundary except
-- the lock itself.
-- Groups (one email, one name, one tmp identity) become stars on their smallest
-- member (macro evidence_star), drawn per lock partition.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

relations as (select * from {{ ref('int_temp_profile_identity_relations_collapsed') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

blocked_emails as (select * from {{ ref('blocked_emails') }}),

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

names as (select * from {{ ref('int_names_scored') }}),

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

lock_members as (
    select distinct on (member_id)
        decision_id as lock_id,
        unnest(members) as member_id
    from decisions
    where action = 'lock'
    order by member_id asc, decision_id desc
),

-- a profile whose GitHub noreply addresses name two different accounts holds two
-- people under one key (commit authors are keyed by name): it gives no evidence
ambiguous as (
    select base_profile_id
    from emails
    where github_noreply_account_id is not null or github_noreply_login is not null
    group by base_profile_id
    having
        count(distinct github_noreply_account_id) > 1
        or count(distinct github_noreply_login) > 1
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
        and profiles.base_profile_id not in (select ambiguous.base_profile_id from ambiguous)
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
        and emails.email_normalized not in (select relays.email_normalized from relays)
),

{{ evidence_star(
    'shared_email', 'usable_emails', 'email_normalized', 'usable_emails.email_normalized'
) }},

-- A profile carrying one person's name with another person's address (a patch
-- applied under the wrong name) would join two people through itself. Where the
-- carriers of one address show distinctive names sharing no word, the address
-- keeps its main name (most carriers here, then most carriers anywhere) and the
-- others are contested there: their profiles give no name evidence, so the
-- bridge stays with the address and the other person stays apart (a candidate).
name_carriers as (
    select
        profiles.base_profile_id,
        profiles.name_folded,
        names.profile_count
    from profiles
    inner join names on profiles.name_folded = names.name_folded
    where names.is_distinctive
),

address_names as (
    select
        usable_emails.email_normalized,
        name_carriers.name_folded,
        count(*) as carriers,
        max(name_carriers.profile_count) as support
    from usable_emails
    inner join name_carriers on usable_emails.base_profile_id = name_carriers.base_profile_id
    group by usable_emails.email_normalized, name_carriers.name_folded
),

address_main_name as (
    select distinct on (email_normalized)
        email_normalized,
        name_folded
    from address_names
    order by email_normalized asc, carriers desc, support desc, name_folded asc
),

contested as (
    select distinct usable_emails.base_profile_id
    from usable_emails
    inner join name_carriers on usable_emails.base_profile_id = name_carriers.base_profile_id
    inner join address_main_name
        on usable_emails.email_normalized = address_main_name.email_normalized
    where
        name_carriers.name_folded <> address_main_name.name_folded
        and not (
            regexp_split_to_array(name_carriers.name_folded, ' ')
            && regexp_split_to_array(address_main_name.name_folded, ' ')
        )
),

-- profiles carrying a distinctive name, as their name or (a handle) as their login
named as (
    select distinct
        carriers.base_profile_id,
        names.name_folded,
        eligible.lock_id,
        names.match_probability
    from carriers
    inner join eligible on carriers.base_profile_id = eligible.base_profile_id
    inner join names on carriers.name_folded = names.name_folded
    where
        names.is_distinctive
        and carriers.base_profile_id not in (select contested.base_profile_id from contested)
        and not exists (
            select 1 from hubs
            where
                hubs.identifier_kind in ('name', 'username')
                and hubs.identifier = names.name_folded
        )
),

{{ evidence_star(
    'distinctive_name', 'named', 'name_folded',
    "named.name_folded || ' (p=' || named.match_probability || ')'"
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

noreply_id as (
    select
        emails.base_profile_id as node_a,
        github.base_profile_id as node_b,
        'github_noreply_id' as evidence,
        emails.email_normalized as detail
    from emails
    inner join github on emails.github_noreply_account_id = github.github_account_id
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
    select * from distinctive_name
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
