-- One row per profile of any platform, with the columns the merge compares.
with

profiles as (
    select * from {{ ref('stg_cppa_raw__profiles') }}
),

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

slack as (select * from {{ ref('int_slack_users_collapsed') }}),

discord as (select * from {{ ref('int_discord_profiles_collapsed') }}),

mailing_list as (select * from {{ ref('int_mailing_list_profiles_collapsed') }}),

wg21 as (select * from {{ ref('int_wg21_paper_author_profiles_collapsed') }}),

youtube as (select * from {{ ref('int_youtube_speakers_collapsed') }}),

unioned as (
    select
        base_profile_id,
        username,
        display_name,
        declared_identity_id,
        account_type <> 'user' as is_organization,
        username like '%[bot]' as is_bot,
        created_at,
        updated_at,
        github_account_id > 0 as is_platform_account
    from github
    union all
    select
        base_profile_id,
        username,
        display_name,
        declared_identity_id,
        false,
        false,
        created_at,
        updated_at,
        true
    from slack
    union all
    select
        base_profile_id,
        username,
        display_name,
        declared_identity_id,
        false,
        is_bot,
        created_at,
        updated_at,
        true
    from discord
    union all
    select
        base_profile_id,
        '',
        display_name,
        declared_identity_id,
        false,
        false,
        created_at,
        updated_at,
        false
    from mailing_list
    union all
    select
        base_profile_id,
        '',
        display_name,
        declared_identity_id,
        false,
        false,
        created_at,
        updated_at,
        false
    from wg21
    union all
    select
        base_profile_id,
        '',
        display_name,
        declared_identity_id,
        false,
        false,
        created_at,
        updated_at,
        true
    from youtube
),

final as (
    select
        profiles.base_profile_id,
        profiles.platform,
        unioned.username,
        unioned.display_name,
        unioned.declared_identity_id,
        unioned.is_bot,
        unioned.is_organization,
        -- an account of the platform's own (a GitHub, Slack, Discord or YouTube
        -- id: verified by the platform), not a commit author, list poster or
        -- paper author (what they claim is all there is)
        unioned.is_platform_account,
        (unioned.is_bot or unioned.is_organization) as is_not_a_person,
        nullif({{ fold_case('btrim(unioned.username)') }}, '') as username_folded,
        -- "Jane Doe via Boost": a relay sent it (a list rewriting senders, a patch
        -- bridge); the person is the part before "via", the address is the relay's
        coalesce(unioned.display_name ~* {{ relay_name_pattern() }}, false) as is_relayed,
        btrim(regexp_replace(unioned.display_name, {{ relay_name_pattern() }}, '', 'i'))
            as person_name,
        {{ fold_name(
            "regexp_replace(unioned.display_name, " ~ relay_name_pattern() ~ ", '', 'i')"
        ) }} as name_folded,
        unioned.created_at,
        unioned.updated_at
    from profiles
    inner join unioned on profiles.base_profile_id = unioned.base_profile_id
)

select * from final
