{{ config(indexes=[{'columns': ['identity_id'], 'unique': true}]) }}
-- One row per identity that has a name, from the strongest provenance: the
-- declared identity's name when there is one; else a name its platform accounts
-- (GitHub, Slack, Discord, YouTube ids: verified by the platform) carry; else a
-- name what the others claim (commit authors, list posters, paper authors).
-- Within one provenance the best-supported name (carried by the most of the
-- identity's profiles) wins, then the most complete (most real words, no
-- "(remark)"), then platform priority wg21 > mailing_list > github > slack >
-- youtube > discord, then the oldest profile; never a blocked name. So a
-- profile that only claims a name, or a long one, never renames an identity.
with

clustered as (select * from {{ ref('int_profiles_clustered') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

declared as (select * from {{ ref('int_identities_collapsed') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

named_profiles as (
    select
        clustered.identity_id,
        profiles.base_profile_id,
        profiles.platform,
        profiles.person_name,
        profiles.name_folded,
        coalesce(profiles.is_platform_account, false) as is_platform_account
    from clustered
    inner join profiles on clustered.node_id = profiles.base_profile_id
    where
        btrim(profiles.person_name) <> ''
        and coalesce(profiles.name_folded, '') not in (
            select blocked_names.name_folded from blocked_names
        )
),

support as (
    select
        identity_id,
        name_folded,
        count(*) as carriers
    from named_profiles
    group by identity_id, name_folded
),

name_options as (
    select
        clustered.identity_id,
        declared.display_name,
        0 as rank_group,
        0 as support_rank,
        0 as word_rank,
        0 as platform_rank,
        declared.identity_id as tie_break
    from clustered
    inner join declared on clustered.node_id = declared.identity_id
    where declared.display_name <> ''
    union all
    select
        named_profiles.identity_id,
        named_profiles.person_name as display_name,
        case when named_profiles.is_platform_account then 1 else 2 end,
        -support.carriers,
        -- most real words (letters, not initials), then no "(remark)"
        -cardinality({{ name_words('named_profiles.name_folded') }}) * 2
        + (named_profiles.person_name ~ '[()]')::int,
        array_position({{ platforms_by_name_rank() }}, named_profiles.platform),
        named_profiles.base_profile_id
    from named_profiles
    inner join support
        on
            named_profiles.identity_id = support.identity_id
            and named_profiles.name_folded is not distinct from support.name_folded
),

chosen_name as (
    select distinct on (identity_id)
        identity_id,
        display_name
    from name_options
    order by identity_id, rank_group, support_rank, word_rank, platform_rank, tie_break
)

select * from chosen_name
