{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['github_account_id']}]) }}
-- One row per GitHub account (negative github_account_id = commit author with no user).
with

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

final as (
    select
        base_profile_id as id,
        github_account_id,
        username,
        display_name,
        avatar_url,
        account_type,
        created_at,
        updated_at
    from github
)

select * from final
