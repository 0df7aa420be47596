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

identifiers as (
    select
        'email' as identifier_kind,
        email_normalized as identifier,
        base_profile_id
    from emails
    where is_valid_email
    union
    select
        'name',
        name_folded,
        base_profile_id
    from profiles
    where name_folded is not null
    union
    select
        'username',
        username_folded,
        base_profile_id
    from profiles
    where username_folded is not null
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
