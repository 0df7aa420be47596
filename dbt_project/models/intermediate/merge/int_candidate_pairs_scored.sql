-- One row per pair of identities linked only by weak evidence (never merged):
-- same folded full name, same username, email local part = username, display
-- name = GitHub login. Scored for review.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

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

signals as (
    select
        identity_id,
        base_profile_id,
        'same_name' as reason,
        name_folded as signal
    from people
    where name_folded like '% %'
    union all
    select
        identity_id,
        base_profile_id,
        'same_username',
        username_folded
    from people
    where username_folded is not null
    union all
    select
        people.identity_id,
        people.base_profile_id,
        'email_local_part',
        emails.email_local_part
    from people
    inner join emails on people.base_profile_id = emails.base_profile_id
    where emails.is_valid_email and emails.github_noreply_login is null
    union all
    select
        identity_id,
        base_profile_id,
        'display_name_login',
        replace(name_folded, ' ', '')
    from people
    where name_folded is not null and platform <> 'github'
),

usable as (
    select distinct
        signals.identity_id,
        signals.reason,
        signals.signal
    from signals
    where
        signals.signal not in (select blocked_names.name_folded from blocked_names)
        and length(signals.signal) >= 3
        and not exists (
            select 1 from hubs
            where hubs.identifier_kind in ('name', 'username') and hubs.identifier = signals.signal
        )
),

-- each signal matches against the matching kind on the other side
match_keys as (
    select
        identity_id,
        reason,
        signal,
        signal as match_value,
        reason as side
    from usable
    where reason in ('same_name', 'same_username')
    union all
    select
        identity_id,
        reason,
        signal,
        signal,
        'local'
    from usable
    where reason = 'email_local_part'
    union all
    select
        identity_id,
        reason,
        signal,
        signal,
        'display'
    from usable
    where reason = 'display_name_login'
),

github_logins as (
    select
        people.identity_id,
        people.base_profile_id,
        people.username_folded as login
    from people
    where people.platform = 'github' and people.username_folded is not null
),

pairs as (
    select
        a.identity_id as identity_a,
        b.identity_id as identity_b,
        a.reason,
        a.signal
    from match_keys as a
    inner join match_keys as b
        on a.match_value = b.match_value and a.reason = b.reason and a.side = b.side
    where a.reason in ('same_name', 'same_username') and a.identity_id < b.identity_id
    union all
    select
        a.identity_id,
        b.identity_id,
        a.reason,
        a.signal
    from match_keys as a
    inner join people as b on a.match_value = b.username_folded
    where a.reason = 'email_local_part' and a.identity_id <> b.identity_id
    union all
    select
        a.identity_id,
        b.identity_id,
        a.reason,
        a.signal
    from match_keys as a
    inner join github_logins as b on a.match_value = b.login
    where a.reason = 'display_name_login' and a.identity_id <> b.identity_id
),

weights as (
    select * from (
        values
        ('same_name', 0.5),
        ('same_username', 0.4),
        ('email_local_part', 0.3),
        ('display_name_login', 0.3)
    ) as w (reason, weight)
),

ordered as (
    select
        reason,
        signal,
        least(identity_a, identity_b) as identity_a,
        greatest(identity_a, identity_b) as identity_b
    from pairs
),

final as (
    select
        ordered.identity_a,
        ordered.identity_b,
        round((1 - exp(sum(ln(1 - weights.weight))))::numeric, 3) as score,
        array_agg(ordered.reason || ': ' || ordered.signal order by ordered.reason, ordered.signal)
            as reasons
    from (select distinct * from ordered) as ordered
    inner join weights on ordered.reason = weights.reason
    group by ordered.identity_a, ordered.identity_b
)

select * from final
