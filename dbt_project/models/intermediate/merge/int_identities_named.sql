{{ config(indexes=[{'columns': ['identity_id'], 'unique': true}]) }}
-- One row per identity that has a name: the declared identity's name when there
-- is one, else the most complete real name among its profiles (most real words,
-- no "(remark)", then platform priority wg21 > mailing_list > github > slack >
-- youtube > discord, then oldest profile); never a blocked name.
with

clustered as (select * from {{ ref('int_profiles_clustered') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

declared as (select * from {{ ref('int_identities_collapsed') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

name_options as (
    select
        clustered.identity_id,
        declared.display_name,
        0 as rank_group,
        0 as word_rank,
        0 as platform_rank,
        declared.identity_id as tie_break
    from clustered
    inner join declared on clustered.node_id = declared.identity_id
    where declared.display_name <> ''
    union all
    select
        clustered.identity_id,
        profiles.person_name as display_name,
        1,
        -- most real words (letters, not initials), then no "(remark)"
        -(
            select count(*)
            from unnest(regexp_split_to_array(profiles.name_folded, ' ')) as w (word)
            where length(w.word) >= 2 and w.word ~ '^[[:alpha:]]+$'
        ) * 2 + (profiles.person_name ~ '[()]')::int,
        array_position(
            array['wg21', 'mailing_list', 'github', 'slack', 'youtube', 'discord'],
            profiles.platform
        ),
        profiles.base_profile_id
    from clustered
    inner join profiles on clustered.node_id = profiles.base_profile_id
    where
        btrim(profiles.person_name) <> ''
        and coalesce(profiles.name_folded, '') not in (
            select blocked_names.name_folded from blocked_names
        )
),

chosen_name as (
    select distinct on (identity_id)
        identity_id,
        display_name
    from name_options
    order by identity_id, rank_group, word_rank, platform_rank, tie_break
)

select * from chosen_name
