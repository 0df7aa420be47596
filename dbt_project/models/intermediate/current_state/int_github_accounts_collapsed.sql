-- One row per GitHub account: its history reduced to current state (each field as
-- var('platforms') lists it: macro collapse_platform).
with

collapsed as (
    {{ collapse_platform('github') }}
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
