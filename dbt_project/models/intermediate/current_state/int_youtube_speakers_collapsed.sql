-- One row per YouTube speaker: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__youtube_speakers') }}
),

collapsed as (
    {{ collapse_observations('observations', [
        ['external_id', none],
        ['display_name', "''"],
    ], identity_column='declared_identity_id') }}
)

select * from collapsed
