-- One row per (profile, name value) a person's profile carries: its folded name,
-- the core of that name (first and last real words), every login it had, and the login
-- named by its GitHub noreply addresses (logins are handles: they can only score
-- as one). Bots and organisations carry none.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

-- every login a profile was ever seen with: a rename does not erase the old one
-- (and the result does not depend on which observation came last)
logins as (
    select
        base_profile_id,
        username
    from {{ ref('stg_cppa_raw__github_accounts') }}
    union
    select
        base_profile_id,
        username
    from {{ ref('stg_cppa_raw__slack_users') }}
    union
    select
        base_profile_id,
        username
    from {{ ref('stg_cppa_raw__discord_profiles') }}
),

-- a name shown as an address ("jaysoffian+git@gmail.com", as lists and commits
-- sometimes show one) is no name: the comparison model reads it as an address
people as (
    select
        profiles.*,
        coalesce(btrim(profiles.person_name) ~ {{ address_shaped() }}, false) as is_address_shaped
    from profiles
    where not is_not_a_person
),

-- the name's first and last real words (initials dropped): "Ada B. Quill"
-- and "Ada Quill" carry one core name
cores as (
    select
        base_profile_id,
        person_name,
        name_folded,
        {{ name_words('name_folded') }} as tokens
    from people
    where
        name_folded is not null
        and not is_address_shaped
        and not {{ has_odd_word('name_folded') }}  -- no core name
),

carried as (
    select
        base_profile_id,
        name_folded,
        person_name as shown_as,
        'name' as carried_as
    from people
    where name_folded is not null and not is_address_shaped
    union all
    select
        base_profile_id,
        tokens[1] || ' ' || tokens[cardinality(tokens)],
        person_name,
        'core_name'
    from cores
    where
        cardinality(tokens) >= 2
        and tokens[1] || ' ' || tokens[cardinality(tokens)] <> name_folded
    union all
    select
        people.base_profile_id,
        {{ fold_case('btrim(logins.username)') }},
        btrim(logins.username),
        'login'
    from people
    inner join logins on people.base_profile_id = logins.base_profile_id
    where btrim(logins.username) ~ '^[^\s]+$'
    union all
    select
        people.base_profile_id,
        emails.github_noreply_login,
        emails.github_noreply_login,
        'noreply_login'
    from people
    inner join emails on people.base_profile_id = emails.base_profile_id
    where emails.github_noreply_login is not null
    union all
    -- a one-token name with hyphens that is a login somewhere ("ashutosh619-sudo"
    -- committing as its noreply login's owner): folding would split it at the
    -- hyphens, so it is carried whole as well
    select
        people.base_profile_id,
        {{ fold_case('btrim(people.person_name)') }},
        btrim(people.person_name),
        'name'
    from people
    where
        btrim(people.person_name) ~ '^[[:alnum:]]+(-[[:alnum:]]+)+$'
        and {{ fold_case('btrim(people.person_name)') }} in (
            select emails.github_noreply_login from emails
            union all
            select {{ fold_case('btrim(logins.username)') }} from logins
        )
),

final as (
    -- is_login: the value is one of the profile's logins (as well, perhaps)
    select distinct on (base_profile_id, name_folded)
        base_profile_id,
        name_folded,
        shown_as,
        carried_as,
        bool_or(carried_as in ('login', 'noreply_login'))
            over (partition by base_profile_id, name_folded)
            as is_login
    from carried
    order by base_profile_id, name_folded, carried_as
)

select * from final
