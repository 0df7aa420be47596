-- One row per address that relays other people's mail: listed in the seed
-- relay_addresses, or used by a sender shown as "<name> via <list>". A relay
-- address is never email evidence, for anyone.
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
    select distinct
        emails.email_normalized,
        'sent as "<name> via …"' as reason
    from emails
    inner join profiles on emails.base_profile_id = profiles.base_profile_id
    where profiles.is_relayed and emails.is_valid_email
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
