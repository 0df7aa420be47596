-- Each name, login and address of an identity's profiles, once per identity:
-- what a partial search matches (identity_search_term), before folding.
with

profiles as (select * from {{ ref('identity_profile') }}),

emails as (select * from {{ ref('email') }}),

searched as (
    select
        identity_id,
        'name' as kind,
        display_name as value
    from profiles
    where display_name <> ''
    union all
    select
        identity_id,
        'login' as kind,
        username as value
    from profiles
    where username <> ''
    union all
    select
        profiles.identity_id,
        'email' as kind,
        emails.email as value
    from emails
    inner join profiles on emails.base_profile_id = profiles.id
),

final as (
    select distinct
        identity_id,
        kind,
        value
    from searched
)

select * from final
