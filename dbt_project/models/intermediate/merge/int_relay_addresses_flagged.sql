-- One row per address that relays other people's mail: listed in the seed
-- relay_addresses, or used by senders of at least two names shown as
-- "<name> via <list>". A relay address is never email evidence, for anyone.
-- One such line alone does not make an address a relay (it would take a
-- person's own address from them); the relayed profile itself never gives
-- email evidence (int_evidence_emails_usable).
with

emails as (select * from {{ ref('int_emails_collapsed') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

relay_addresses as (select * from {{ ref('relay_addresses') }}),

listed as (
    select distinct
        emails.email_normalized,
        'listed: ' || relay_addresses.reason as reason
    from emails
    inner join relay_addresses on emails.email_normalized like relay_addresses.email_pattern
),

seen as (
    select
        emails.email_normalized,
        'sent as "<name> via …"' as reason
    from emails
    inner join profiles on emails.base_profile_id = profiles.base_profile_id
    where profiles.is_relayed and emails.is_valid_email
    group by emails.email_normalized
    having count(distinct coalesce(profiles.name_folded, '')) >= 2
),

final as (
    select
        email_normalized,
        min(reason) as reason
    from (
        select * from listed
        union all
        select * from seen
    ) as found
    group by email_normalized
)

select * from final
