-- One row per GitHub account: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__github_accounts') }}
),

collapsed as (
    {{ collapse_observations('observations', [
        ['github_account_id', none],
        ['username', "''"],
        ['display_name', "''"],
        ['avatar_url', "''"],
        ['account_type', "'user'"],
    ], identity_column='declared_identity_id') }}
),

-- an account type the old models' choices do not know (the Django drop-in
-- stores what the ORM was given; raw keeps it) counts as a user account
final as (
    select
        base_profile_id,
        github_account_id,
        username,
        display_name,
        avatar_url,
        declared_identity_id,
        created_at,
        updated_at,
        case
            when lower(btrim(account_type)) in ('user', 'organization', 'enterprise')
                then lower(btrim(account_type))
            else 'user'
        end as account_type
    from collapsed
)

select * from final
