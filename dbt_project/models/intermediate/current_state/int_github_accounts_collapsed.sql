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
)

select * from collapsed
