-- One row per name link kept under var('name_join_policy'). A name or a
-- handle is what anyone can claim; a platform account's id or a declared
-- identity is not. So, under 'second_signal' (the default):
-- - profiles whose anchors (what every other kind of evidence joins: an
--   address, an account, a noreply id, a decision) hold no platform account
--   and no declared identity join on a shared distinctive name as before, a
--   star on the smallest carrier (commit histories, list archives);
-- - an anchor that holds one joins another anchor on the name only when the
--   two share a second value besides it: a login, an address's local part or
--   another full name (a renamed login counts; a core name, which the name
--   itself gives, does not). Without one the pair stays a scored candidate.
-- Under 'name_alone' every name link is kept as drawn.
{%- set policy = var('name_join_policy') %}
{%- if policy not in ['second_signal', 'name_alone'] %}
    {{ exceptions.raise_compiler_error(
        "var name_join_policy must be second_signal or name_alone, not " ~ policy
    ) }}
{%- endif %}
with

drawn as (select * from {{ ref('int_evidence_edges_drawn') }}),

named as (select * from {{ ref('int_evidence_names_usable') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

anchored as (select * from {{ ref('int_evidence_anchors_labelled') }}),

members as (
    select
        named.base_profile_id,
        named.name_folded,
        named.lock_id,
        named.match_probability,
        coalesce(anchored.anchor_id, named.base_profile_id) as anchor_id
    from named
    left join anchored on named.base_profile_id = anchored.node_id
),

name_anchors as (select distinct anchor_id from members),

verified as (
    select distinct coalesce(anchored.anchor_id, profiles.base_profile_id) as anchor_id
    from profiles
    left join anchored on profiles.base_profile_id = anchored.node_id
    where profiles.is_platform_account
    union
    select anchored.anchor_id
    from identities
    inner join anchored on identities.identity_id = anchored.node_id
),

-- the values an anchor's profiles carry that can be a second signal
anchor_profiles as (
    select
        profiles.base_profile_id,
        coalesce(anchored.anchor_id, profiles.base_profile_id) as anchor_id
    from profiles
    left join anchored on profiles.base_profile_id = anchored.node_id
    where coalesce(anchored.anchor_id, profiles.base_profile_id) in (
        select name_anchors.anchor_id from name_anchors
    )
),

signals as (
    select
        anchor_profiles.anchor_id,
        carriers.name_folded as token
    from carriers
    inner join anchor_profiles on carriers.base_profile_id = anchor_profiles.base_profile_id
    where
        carriers.carried_as in ('login', 'noreply_login')
        or (carriers.carried_as = 'name' and carriers.name_folded like '% %')
    union
    select
        anchor_profiles.anchor_id,
        emails.email_local_part
    from emails
    inner join anchor_profiles on emails.base_profile_id = anchor_profiles.base_profile_id
    where
        emails.is_valid_email
        and emails.github_noreply_login is null
        and emails.email_normalized not in (select relays.email_normalized from relays)
),

usable_signals as (
    select distinct
        anchor_id,
        token
    from signals
    where
        length(token) >= 3
        and token not in (select blocked_names.name_folded from blocked_names)
),

-- one row per (name, lock partition, anchor): its smallest carrier
groups as (
    select
        members.name_folded,
        members.lock_id,
        members.anchor_id,
        min(members.match_probability) as match_probability,
        min(members.base_profile_id) as member_id,
        bool_or(verified.anchor_id is not null) as is_verified
    from members
    left join verified on members.anchor_id = verified.anchor_id
    group by members.name_folded, members.lock_id, members.anchor_id
),

-- the claimed anchors of a name join as before, on their smallest carrier
claimed_centres as (
    select
        name_folded,
        lock_id,
        min(member_id) as centre_id
    from groups
    where not is_verified
    group by name_folded, lock_id
),

claimed_links as (
    select
        claimed_centres.centre_id as node_a,
        members.base_profile_id as node_b,
        members.name_folded || ' (p=' || members.match_probability || ')' as detail
    from members
    inner join groups
        on
            members.name_folded = groups.name_folded
            and members.lock_id = groups.lock_id
            and members.anchor_id = groups.anchor_id
    inner join claimed_centres
        on
            members.name_folded = claimed_centres.name_folded
            and members.lock_id = claimed_centres.lock_id
    where not groups.is_verified and members.base_profile_id <> claimed_centres.centre_id
),

-- an anchor holding an account: to another anchor of the name (the claimed
-- ones' centre stands for them all) with a second value both carry
verified_pairs as (
    select
        one.member_id as node_a,
        coalesce(claimed_centres.centre_id, other.member_id) as node_b,
        one.name_folded || ' (p=' || one.match_probability || '; also '
        || min(one_signal.token) || ')' as detail
    from groups as one
    inner join groups as other
        on
            one.name_folded = other.name_folded
            and one.lock_id = other.lock_id
            and one.anchor_id <> other.anchor_id
            and (not other.is_verified or one.anchor_id < other.anchor_id)
    inner join usable_signals as one_signal on one.anchor_id = one_signal.anchor_id
    inner join usable_signals as other_signal
        on
            other.anchor_id = other_signal.anchor_id
            and one_signal.token = other_signal.token
    left join claimed_centres
        on
            not other.is_verified
            and other.name_folded = claimed_centres.name_folded
            and other.lock_id = claimed_centres.lock_id
    where one.is_verified and one_signal.token <> one.name_folded
    group by
        one.member_id,
        coalesce(claimed_centres.centre_id, other.member_id),
        one.name_folded,
        one.match_probability
),

second_signal as (
    select
        node_a,
        node_b,
        detail
    from claimed_links
    union all
    select
        node_a,
        node_b,
        detail
    from verified_pairs
),

final as (
    select
        detail,
        node_a,
        node_b
    from drawn
    where evidence = 'distinctive_name' and '{{ policy }}' = 'name_alone'
    union all
    select
        detail,
        least(node_a, node_b) as node_a,
        greatest(node_a, node_b) as node_b
    from second_signal
    where '{{ policy }}' = 'second_signal'
)

select * from final
