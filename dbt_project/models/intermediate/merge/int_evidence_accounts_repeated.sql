-- One platform account seen as two profiles (the Django drop-in keeps a second
-- profile with a key another one holds): each later holder joins the first;
-- negative GitHub ids are synthetic. Pairwise: int_evidence_edges_drawn keeps
-- an edge when both ends are eligible.
{{ config(materialized='view') }}

with

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

slack as (select * from {{ ref('int_slack_users_collapsed') }}),

discord as (select * from {{ ref('int_discord_profiles_collapsed') }}),

youtube as (select * from {{ ref('int_youtube_speakers_collapsed') }}),

account_keys as (
    select
        'github' as platform,
        github_account_id::text as account_key,
        base_profile_id
    from github
    where github_account_id > 0
    union all
    select
        'slack',
        slack_user_id,
        base_profile_id
    from slack
    union all
    select
        'discord',
        discord_user_id::text,
        base_profile_id
    from discord
    union all
    select
        'youtube',
        external_id,
        base_profile_id
    from youtube
),

account_holders as (
    select
        platform,
        account_key,
        base_profile_id,
        min(base_profile_id) over (partition by platform, account_key) as first_holder
    from account_keys
),

final as (
    select
        first_holder as node_a,
        base_profile_id as node_b,
        'same_account' as evidence,
        platform || ' ' || account_key as detail
    from account_holders
    where base_profile_id <> first_holder
)

select * from final
