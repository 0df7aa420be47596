-- One row per pair of identities linked only by weak evidence (never merged),
-- scored for review: each reason has a weight (seed candidate_reasons) and the
-- score is 1 - prod(1 - weight) over the pair's distinct reasons.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

reasons as (select * from {{ ref('candidate_reasons') }}),

people as (
    select
        profiles.*,
        clustered.identity_id
    from profiles
    inner join clustered on profiles.base_profile_id = clustered.node_id
    where not profiles.is_not_a_person
),

-- handles: logins, noreply logins and one-word names
handles as (
    select
        clustered.identity_id,
        carriers.name_folded as value
    from carriers
    inner join clustered on carriers.base_profile_id = clustered.node_id
    where carriers.carried_as in ('login', 'noreply_login') or carriers.name_folded !~ ' '
),

-- (identity, reason, value, side): a reason pairs one side with another
signals as (
    select
        identity_id,
        'same_name' as reason,
        name_folded as value,
        'name' as side
    from people
    where name_folded like '% %'
    union all
    select
        clustered.identity_id,
        'core_name',
        carriers.name_folded,
        case carriers.carried_as when 'core_name' then 'core' else 'core_full' end
    from carriers
    inner join clustered on carriers.base_profile_id = clustered.node_id
    where carriers.carried_as in ('name', 'core_name') and carriers.name_folded like '% %'
    union all
    select
        identity_id,
        'same_username',
        username_folded,
        'login'
    from people
    where username_folded is not null
    union all
    select
        people.identity_id,
        'email_local_part',
        emails.email_local_part,
        'local'
    from people
    inner join emails on people.base_profile_id = emails.base_profile_id
    where
        emails.is_valid_email
        and emails.github_noreply_login is null
        and emails.email_normalized not in (select relays.email_normalized from relays)
    union all
    select
        identity_id,
        'display_name_login',
        replace(name_folded, ' ', ''),
        'squashed'
    from people
    where name_folded like '% %'
    union all
    select
        identity_id,
        'initial_surname_login',
        left(name_folded, 1) || substring(name_folded from '([^ ]+)$'),
        'initial_surname'
    from people
    where name_folded like '% %'
    union all
    select
        handles.identity_id,
        side_reason.reason,
        handles.value,
        'handle'
    from handles
    cross join (
        values ('email_local_part'), ('display_name_login'), ('initial_surname_login')
    ) as side_reason (reason)
),

usable as (
    select
        signals.identity_id,
        signals.reason,
        signals.value,
        signals.side
    from signals
    where
        signals.value not in (select blocked_names.name_folded from blocked_names)
        and length(signals.value) >= 3
        and not exists (
            select 1 from hubs
            where hubs.identifier_kind in ('name', 'username') and hubs.identifier = signals.value
        )
),

-- most values belong to one identity: pair only those two identities share
shared_values as (
    select
        reason,
        value
    from usable
    group by reason, value
    having min(identity_id) <> max(identity_id)
),

paired as (
    select distinct
        usable.identity_id,
        usable.reason,
        usable.value,
        usable.side
    from usable
    inner join shared_values
        on usable.reason = shared_values.reason and usable.value = shared_values.value
),

-- a one-letter slip in a long surname ("derek homeir" / "derek homier"): names
-- with the same given name whose surnames (5+ letters) share a one-letter
-- deletion (symmetric deletes: a substitution, insertion, deletion or swap of
-- neighbours); distinct names only, so the cost grows with names, not profiles
typo_names as (
    select distinct
        identity_id,
        name_folded,
        split_part(name_folded, ' ', 1) as given_name,
        substring(name_folded from '([[:alpha:]]+)$') as surname
    from people
    where name_folded ~ '^[[:alpha:]]+ (.* )?[[:alpha:]]{5,}$'
),

typo_variants as (
    select
        typo_names.identity_id,
        typo_names.name_folded,
        typo_names.given_name,
        overlay(typo_names.surname placing '' from position.n for 1) as variant
    from typo_names
    cross join lateral generate_series(1, length(typo_names.surname)) as position (n)
    union all
    select
        identity_id,
        name_folded,
        given_name,
        surname
    from typo_names
),

typo_pairs as (
    select distinct
        'name_typo' as reason,
        least(a.name_folded, b.name_folded) || ' ~ ' || greatest(a.name_folded, b.name_folded)
            as value,
        least(a.identity_id, b.identity_id) as identity_a,
        greatest(a.identity_id, b.identity_id) as identity_b
    from typo_variants as a
    inner join typo_variants as b
        on
            a.given_name = b.given_name
            and a.variant = b.variant
            and a.identity_id <> b.identity_id
            and a.name_folded <> b.name_folded
),

pairs as (
    select * from typo_pairs
    union all
    select
        a.reason,
        a.value,
        least(a.identity_id, b.identity_id) as identity_a,
        greatest(a.identity_id, b.identity_id) as identity_b
    from paired as a
    inner join paired as b
        on
            a.value = b.value
            and a.reason = b.reason
            and a.identity_id <> b.identity_id
            and (
                (a.side = b.side and a.side in ('name', 'core', 'login'))
                or (a.side = 'core' and b.side = 'core_full')
                or (a.side = 'core_full' and b.side = 'core')
                or (a.side in ('local', 'squashed', 'initial_surname') and b.side = 'handle')
            )
),

final as (
    select
        pairs.identity_a,
        pairs.identity_b,
        round((1 - exp(sum(ln(1 - reasons.weight))))::numeric, 3) as score,
        array_agg(pairs.reason || ': ' || pairs.value order by pairs.reason, pairs.value)
            as reasons
    from (select distinct * from pairs) as pairs
    inner join reasons on pairs.reason = reasons.reason
    group by pairs.identity_a, pairs.identity_b
)

select * from final
