-- One row per profile whose automatic evidence counts, with its lock partition
-- (0 = none): bots and organisations, split profiles and profiles whose GitHub
-- noreply addresses name two different accounts (two people under one key:
-- commit authors are keyed by name) give no automatic evidence.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

lock_members as (select * from {{ ref('int_lock_members_listed') }}),

ambiguous as (
    select base_profile_id
    from emails
    where github_noreply_account_id is not null or github_noreply_login is not null
    group by base_profile_id
    having
        count(distinct github_noreply_account_id) > 1
        or count(distinct github_noreply_login) > 1
),

final as (
    select
        profiles.base_profile_id,
        coalesce(lock_members.lock_id, 0) as lock_id
    from profiles
    left join lock_members on profiles.base_profile_id = lock_members.member_id
    where
        not profiles.is_not_a_person
        and profiles.base_profile_id not in (
            select decisions.node_a from decisions
            where decisions.action = 'split'
        )
        and profiles.base_profile_id not in (select ambiguous.base_profile_id from ambiguous)
)

select * from final
