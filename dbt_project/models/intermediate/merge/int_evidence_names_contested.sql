-- One row per profile contested on an address it shares: its comparisons make
-- candidates, never merges (int_comparison_values_listed).
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

names as (select * from {{ ref('int_names_scored') }}),

usable_emails as (select * from {{ ref('int_evidence_emails_usable') }}),

-- A profile carrying one person's name with another person's address (a patch
-- applied under the wrong name) would join two people through itself. Where the
-- carriers of one address show distinctive names sharing no word, the address
-- keeps its main name (most carriers here, then most carriers anywhere) and the
-- others are contested there: their profiles give no name evidence, so the
-- bridge stays with the address and the other person stays apart (a candidate).
name_carriers as (
    select
        profiles.base_profile_id,
        profiles.name_folded,
        names.profile_count
    from profiles
    inner join names on profiles.name_folded = names.name_folded
    where names.is_distinctive
),

address_names as (
    select
        usable_emails.email_normalized,
        name_carriers.name_folded,
        count(*) as carriers,
        max(name_carriers.profile_count) as support
    from usable_emails
    inner join name_carriers on usable_emails.base_profile_id = name_carriers.base_profile_id
    group by usable_emails.email_normalized, name_carriers.name_folded
),

address_main_name as (
    select distinct on (email_normalized)
        email_normalized,
        name_folded
    from address_names
    order by email_normalized asc, carriers desc, support desc, name_folded asc
),

contested as (
    select distinct usable_emails.base_profile_id
    from usable_emails
    inner join name_carriers on usable_emails.base_profile_id = name_carriers.base_profile_id
    inner join address_main_name
        on usable_emails.email_normalized = address_main_name.email_normalized
    where
        name_carriers.name_folded <> address_main_name.name_folded
        and not (
            regexp_split_to_array(name_carriers.name_folded, ' ')
            && regexp_split_to_array(address_main_name.name_folded, ' ')
        )
),

final as (
    select base_profile_id from contested
)

select * from final
