-- One row per WG21 paper author: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__wg21_paper_author_profiles') }}
),

collapsed as (
    {{ collapse_observations('observations', [
        ['display_name', "''"],
        ['author_alias', "''"],
    ], identity_column='declared_identity_id') }}
)

select * from collapsed
