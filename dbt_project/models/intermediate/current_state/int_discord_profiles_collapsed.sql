-- One row per Discord profile: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__discord_profiles') }}
),

collapsed as (
    {{ collapse_observations('observations', [
        ['discord_user_id', none],
        ['username', "''"],
        ['display_name', "''"],
        ['avatar_url', "''"],
        ['is_bot', 'false'],
    ], identity_column='declared_identity_id') }}
)

select * from collapsed
