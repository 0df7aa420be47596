-- One row per identifier (email, name, username) shared by more profiles than
-- var('hub_threshold'): never used as evidence, reported instead.
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
        identifier_kind,
        identifier,
        count(*) as profile_count
    from identifiers
    group by identifier_kind, identifier
    having count(*) > {{ var('hub_threshold') }}
)

select * from final
