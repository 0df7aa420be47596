-- One row per (eligible profile, address) that counts as email evidence, with
-- the profile's lock partition: valid, not blocked (seed blocked_emails), not a
-- hub, not a relay, not the address of a profile shown as "<name> via …" (the
-- relay's address, not the sender's).
with

emails as (select * from {{ ref('int_emails_collapsed') }}),

eligible as (select * from {{ ref('int_evidence_eligibility') }}),

blocked_emails as (select * from {{ ref('blocked_emails') }}),

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

relayed as (
    select base_profile_id from {{ ref('int_profiles_unioned') }}
    where is_relayed
),

final as (
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
        and emails.base_profile_id not in (select relayed.base_profile_id from relayed)
)

select * from final
