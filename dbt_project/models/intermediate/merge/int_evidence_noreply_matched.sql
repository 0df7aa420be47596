-- A GitHub noreply address joins the account it names: by id when the login
-- is one the account was seen with (anyone can write
-- "5005+anylogin@users.noreply.github.com" as a commit's author), by login
-- alone only when no other account has that login. Pairwise: int_evidence_edges_drawn
-- keeps an edge when both ends are eligible.
{{ config(materialized='view') }}

with

emails as (select * from {{ ref('int_emails_collapsed') }}),

github as (select * from {{ ref('int_github_accounts_collapsed') }}),

-- every login a GitHub account was seen with
account_logins as (
    select distinct
        base_profile_id,
        {{ fold_case('username') }} as login
    from {{ ref('stg_cppa_raw__github_accounts') }}
    where username <> ''
),

noreply_id as (
    select
        emails.base_profile_id as node_a,
        github.base_profile_id as node_b,
        'github_noreply_id' as evidence,
        emails.email_normalized as detail
    from emails
    inner join github on emails.github_noreply_account_id = github.github_account_id
    inner join account_logins
        on
            github.base_profile_id = account_logins.base_profile_id
            and emails.github_noreply_login = account_logins.login
    where emails.base_profile_id <> github.base_profile_id
),

unique_logins as (
    select
        {{ fold_case('username') }} as login,
        min(base_profile_id) as base_profile_id
    from github
    where username <> ''
    group by {{ fold_case('username') }}
    having count(*) = 1
),

noreply_login as (
    select
        emails.base_profile_id as node_a,
        unique_logins.base_profile_id as node_b,
        'github_noreply_login' as evidence,
        emails.email_normalized as detail
    from emails
    inner join unique_logins on emails.github_noreply_login = unique_logins.login
    where
        emails.github_noreply_account_id is null
        and emails.base_profile_id <> unique_logins.base_profile_id
),

final as (
    select * from noreply_id
    union all
    select * from noreply_login
)

select * from final
