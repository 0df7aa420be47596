-- One row per folded person name or username carried by a person's profile
-- (seed blocked_names left out), with what the data says of its carriers: how
-- many profiles carry it, whether one shows it with an inner capital
-- ("NebulaFox") or as a login on one profile and a name on another, and how
-- many people the data shows carrying it (account_count: distinct anchors
-- with an account of one platform of var('single_account_platforms') that
-- itself shows the name, on the platform with the most; what a commit or a
-- list post on the anchor says does not count). int_names_scored weighs each
-- name by these; they are its memo's key.
with

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

anchored as (select * from {{ ref('int_evidence_anchors_labelled') }}),

people as (
    select
        base_profile_id,
        name_folded,
        shown_as as person_name,
        is_login
    from carriers
    where name_folded not in (select blocked_names.name_folded from blocked_names)
),

anchor_accounts as (
    select distinct
        people.name_folded,
        profiles.platform,
        coalesce(anchored.anchor_id, profiles.base_profile_id) as anchor_id
    from people
    inner join profiles on people.base_profile_id = profiles.base_profile_id
    left join anchored on profiles.base_profile_id = anchored.node_id
    where profiles.is_platform_account and profiles.platform in ({{ single_account_platforms() }})
),

account_counts as (
    select
        name_folded,
        max(anchor_count) as account_count
    from (
        select
            name_folded,
            platform,
            count(*) as anchor_count
        from anchor_accounts
        group by name_folded, platform
    ) as per_platform
    group by name_folded
),

names as (
    select
        name_folded,
        count(distinct base_profile_id) as profile_count,
        coalesce(bool_or(person_name ~ '[[:lower:]][[:upper:]]'), false) as has_inner_capital,
        -- a name on one profile that is a login on another ("iamsoto" beside
        -- iamsoto@users.noreply...): a handle, whatever its shape; two logins
        -- alike are not (a same_login level weighs those)
        coalesce(bool_or(is_login) and bool_or(not is_login), false) as is_login_and_name
    from people
    group by name_folded
),

final as (
    select
        names.name_folded,
        names.profile_count,
        names.has_inner_capital,
        names.is_login_and_name,
        coalesce(account_counts.account_count, 0) as account_count
    from names
    left join account_counts on names.name_folded = account_counts.name_folded
)

select * from final
