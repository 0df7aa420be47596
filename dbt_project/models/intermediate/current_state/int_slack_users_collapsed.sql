-- One row per Slack user: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__slack_users') }}
),

collapsed as (
    {{ collapse_observations('observations', [
        ['slack_user_id', none],
        ['username', "''"],
        ['display_name', "''"],
        ['avatar_url', "''"],
    ], identity_column='declared_identity_id') }}
)

select * from collapsed
