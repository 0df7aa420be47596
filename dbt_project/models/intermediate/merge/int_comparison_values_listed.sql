-- One row per (anchor, side, value) the comparison model reads: what the
-- people's profiles of one anchor carry (int_evidence_anchors_labelled: what
-- deterministic evidence joins; a profile without such a link is its own
-- anchor). Sides: 'name' (a full name), 'core' (a longer name's first and last
-- words), 'handle_name' (a one-word name), 'login' (a login or the login a
-- noreply address names), 'local' (an address's local part), 'squashed' and
-- 'initial_surname' (a full name without spaces, as first initial + surname),
-- 'domain' (an address's domain that is no free mail: seed free_mail_domains),
-- 'mailbox' (the local part without its "+tag" at the domain without its
-- hosts),
-- 'account' (a platform the anchor holds an account of) and 'declared' (it
-- holds a declared identity). member_id: the anchor's smallest profile
-- carrying the value; merge_member_id: its smallest carrier that may give
-- automatic evidence (eligible, outside any lock, not contested on an address
-- it shares), null when none may.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

anchored as (select * from {{ ref('int_evidence_anchors_labelled') }}),

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

blocked_emails as (select * from {{ ref('blocked_emails') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

free_mail as (select * from {{ ref('free_mail_domains') }}),

eligible as (select * from {{ ref('int_evidence_eligibility') }}),

contested as (select * from {{ ref('int_evidence_names_contested') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

people as (
    select
        profiles.base_profile_id,
        profiles.platform,
        profiles.is_platform_account,
        case
            when not coalesce(btrim(profiles.person_name) ~ {{ address_shaped() }}, false)
                then profiles.name_folded
        end as name_folded,
        coalesce(anchored.anchor_id, profiles.base_profile_id) as anchor_id,
        coalesce(
            eligible.lock_id = 0
            and profiles.base_profile_id not in (select contested.base_profile_id from contested),
            false
        ) as may_merge
    from profiles
    left join anchored on profiles.base_profile_id = anchored.node_id
    left join eligible on profiles.base_profile_id = eligible.base_profile_id
    where not profiles.is_not_a_person
),

-- the addresses that compare: valid, no noreply address (its login compares),
-- no relay, none seed blocked_emails lists (placeholders, a machine's own name:
-- "ubuntu@ip-10-0-0-1.compute.internal" is nobody's); the mailbox name is the
-- local part without its "+tag" ("knittl89+git" is knittl89's), the
-- organisation the domain without its hosts ("lpdev.prtdev.lexmark.com" is
-- lexmark.com; a country's "co." stays: "ihug.co.nz")
-- a name shown as an address ("jaysoffian+git@gmail.com") is read as one
-- address more
named_addresses as (
    select
        base_profile_id,
        {{ normalize_email('btrim(person_name)') }} as email_normalized
    from profiles
    where btrim(person_name) ~ {{ address_shaped() }}
),

address_values as (
    select
        base_profile_id,
        email_normalized,
        email_local_part,
        email_domain
    from emails
    where emails.is_valid_email and emails.github_noreply_login is null
    -- (a row twice only repeats a value: the final grouping keeps one)
    union all
    select
        base_profile_id,
        email_normalized,
        split_part(email_normalized, '@', 1),
        split_part(email_normalized, '@', 2)
    from named_addresses
    where email_normalized not like '%@users.noreply.github.com'
),

addresses as (
    select
        people.anchor_id,
        people.base_profile_id,
        people.may_merge,
        address_values.email_domain,
        split_part(address_values.email_local_part, '+', 1) as mailbox_name,
        {{ email_organisation('address_values.email_domain') }} as organisation
    from address_values
    inner join people on address_values.base_profile_id = people.base_profile_id
    where
        address_values.email_normalized not in (select relays.email_normalized from relays)
        and {{ not_blocked_email('address_values.email_normalized', 'blocked_emails') }}
),

carried as (
    select
        people.anchor_id,
        people.base_profile_id,
        people.may_merge,
        carriers.name_folded as value,
        case
            when carriers.carried_as in ('login', 'noreply_login') then 'login'
            when carriers.carried_as = 'core_name' then 'core'
            when carriers.name_folded like '% %' then 'name'
            else 'handle_name'
        end as side
    from carriers
    inner join people on carriers.base_profile_id = people.base_profile_id
    -- a hyphenated handle ("qzork-dev") is carried whole as well: its folded
    -- words are no full name
    where
        not (
            carriers.carried_as = 'name'
            and carriers.name_folded like '% %'
            and btrim(carriers.shown_as) ~ '^[[:alnum:]]+(-[[:alnum:]]+)+$'
        )
    union all
    -- a login's letters without its separators, as a login too: "mitchell-faas"
    -- is the name "Mitchell Faas" squashed
    select
        people.anchor_id,
        people.base_profile_id,
        people.may_merge,
        regexp_replace(carriers.name_folded, '[-_.]', '', 'g'),
        'login'
    from carriers
    inner join people on carriers.base_profile_id = people.base_profile_id
    where carriers.is_login and carriers.name_folded ~ '[-_.]'
    union all
    select
        anchor_id,
        base_profile_id,
        may_merge,
        mailbox_name,
        'local'
    from addresses
    union all
    -- a local part without its separators as well, as logins: "david.barr" and
    -- "davidbarr" are one handle
    select
        anchor_id,
        base_profile_id,
        may_merge,
        regexp_replace(mailbox_name, '[-_.]', '', 'g'),
        'local'
    from addresses
    where mailbox_name ~ '[-_.]'
    union all
    select
        anchor_id,
        base_profile_id,
        may_merge,
        email_domain,
        'domain'
    from addresses
    where email_domain not in (select free_mail.domain from free_mail)
    union all
    -- the mailbox at its organisation ("swalter@lpdev.prtdev.lexmark.com" is
    -- swalter@lexmark.com's, "kai+github@gmail.com" kai@gmail.com's)
    select
        anchor_id,
        base_profile_id,
        may_merge,
        mailbox_name || '@' || organisation,
        'mailbox'
    from addresses
    where mailbox_name <> ''
    union all
    select
        anchor_id,
        base_profile_id,
        may_merge,
        replace(name_folded, ' ', ''),
        'squashed'
    from people
    where name_folded like '% %'
    union all
    select
        anchor_id,
        base_profile_id,
        may_merge,
        left(name_folded, 1) || substring(name_folded from '([^ ]+)$'),
        'initial_surname'
    from people
    where name_folded like '% %'
    union all
    -- a local part of two words is a name's initial and surname as well
    -- ("magdalena.proszewska" is "mproszewska")
    select
        anchor_id,
        base_profile_id,
        may_merge,
        left(mailbox_name, 1) || substring(mailbox_name from '[-_.]([[:alpha:]]+)$'),
        'initial_surname'
    from addresses
    where mailbox_name ~ '^[[:alpha:]]{2,}[-_.][[:alpha:]]{2,}$'
),

usable as (
    select *
    from carried
    where
        length(value) >= 3
        and value not in (select blocked_names.name_folded from blocked_names)
    union all
    select
        anchor_id,
        base_profile_id,
        may_merge,
        platform,
        'account'
    from people
    where is_platform_account
    union all
    select
        coalesce(anchored.anchor_id, identities.identity_id),
        null,
        true,
        'identity',
        'declared'
    from identities
    left join anchored on identities.identity_id = anchored.node_id
),

final as (
    select
        anchor_id,
        side,
        value,
        min(base_profile_id) as member_id,
        min(base_profile_id) filter (where may_merge) as merge_member_id
    from usable
    group by anchor_id, side, value
)

select * from final
