-- One row per mailing-list profile: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__mailing_list_profiles') }}
),

collapsed as (
    {{ collapse_observations('observations', [
        ['display_name', "''"],
    ], identity_column='declared_identity_id') }}
)

select * from collapsed
