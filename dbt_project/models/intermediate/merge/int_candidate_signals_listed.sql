-- One row per (identity, reason, value, side) that two or more identities
-- share: the weak signals candidates are made of (never merge evidence). A
-- side says what the value is on that identity (a full name, a core name, a
-- login, an address's local part, a handle...); int_candidate_pairs_scored
-- says which sides pair.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

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
    -- a one-word name that is someone's login ("galaxysnail42" posting to a
    -- list): what name_alone merges as a handle, a candidate otherwise
    select
        clustered.identity_id,
        'same_username',
        carriers.name_folded,
        'handle_name'
    from carriers
    inner join clustered on carriers.base_profile_id = clustered.node_id
    where carriers.carried_as = 'name' and carriers.name_folded !~ ' '
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

final as (
    select distinct
        usable.identity_id,
        usable.reason,
        usable.value,
        usable.side
    from usable
    inner join shared_values
        on usable.reason = shared_values.reason and usable.value = shared_values.value
)

select * from final
