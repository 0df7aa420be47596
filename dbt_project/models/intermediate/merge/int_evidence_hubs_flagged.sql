-- One row per identifier (email, name, username) shared by more profiles than
-- var('hub_threshold'): never used as evidence by what only claims it, reported
-- instead. verified_count: how many of those profiles are platform accounts (a
-- Slack or GitHub account's own address); their uses count unless they alone
-- exceed the threshold, so claims (commit strings, list posts) cannot take a
-- person's own address from their accounts.
with

emails as (
    select * from {{ ref('int_emails_collapsed') }}
),

profiles as (
    select * from {{ ref('int_profiles_unioned') }}
),

every_identifier as (
    select
        'email' as identifier_kind,
        email_normalized as identifier,
        base_profile_id
    from emails
    where is_valid_email
    union all
    select
        'name',
        name_folded,
        base_profile_id
    from profiles
    where name_folded is not null
    union all
    select
        'username',
        username_folded,
        base_profile_id
    from profiles
    where username_folded is not null
),

-- the identifiers on more rows than the threshold: the hubs are among them
-- (a profile may carry an address twice), and only these are counted by
-- profile below; most identifiers are one profile's, and setting the whole
-- population's rows apart first was most of this model's time
crowded as (
    select
        identifier_kind,
        identifier
    from every_identifier
    group by identifier_kind, identifier
    having count(*) > {{ var('hub_threshold') }}
),

identifiers as (
    select distinct
        every_identifier.identifier_kind,
        every_identifier.identifier,
        every_identifier.base_profile_id
    from every_identifier
    inner join crowded
        on
            every_identifier.identifier_kind = crowded.identifier_kind
            and every_identifier.identifier = crowded.identifier
),

final as (
    select
        identifiers.identifier_kind,
        identifiers.identifier,
        count(*) as profile_count,
        count(*) filter (where profiles.is_platform_account) as verified_count
    from identifiers
    inner join profiles on identifiers.base_profile_id = profiles.base_profile_id
    group by identifiers.identifier_kind, identifiers.identifier
    having count(*) > {{ var('hub_threshold') }}
)

select * from final
