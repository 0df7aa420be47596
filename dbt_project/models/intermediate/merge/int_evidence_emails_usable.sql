-- One row per (eligible profile, address) that counts as email evidence, with
-- the profile's lock partition: valid, not blocked (seed blocked_emails), not a
-- hub (for a platform account's own address: not a hub of accounts), not a
-- relay, not the address of a profile shown as "<name> via …" (the relay's
-- address, not the sender's).
with

emails as (select * from {{ ref('int_emails_collapsed') }}),

eligible as (select * from {{ ref('int_evidence_eligibility') }}),

blocked_emails as (select * from {{ ref('blocked_emails') }}),

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

final as (
    select distinct
        emails.base_profile_id,
        emails.email_normalized,
        eligible.lock_id
    from emails
    inner join eligible on emails.base_profile_id = eligible.base_profile_id
    left join profiles on emails.base_profile_id = profiles.base_profile_id
    where
        emails.is_valid_email
        and {{ not_blocked_email('emails.email_normalized', 'blocked_emails') }}
        -- a hub voids what only claims the address; a platform account's own
        -- address counts unless accounts alone make it a hub
        and not exists (
            select 1 from hubs
            where
                hubs.identifier_kind = 'email'
                and hubs.identifier = emails.email_normalized
                and (
                    not coalesce(profiles.is_platform_account, false)
                    or hubs.verified_count > {{ var('hub_threshold') }}
                )
        )
        and emails.email_normalized not in (select relays.email_normalized from relays)
        and not coalesce(profiles.is_relayed, false)
)

select * from final
