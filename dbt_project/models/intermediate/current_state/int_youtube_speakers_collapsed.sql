-- One row per YouTube speaker: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__youtube_speakers') }}
),

collapsed as (
    select
        base_profile_id,
        {{ latest_non_null('external_id') }} as external_id,
        coalesce({{ latest_non_null('display_name') }}, '') as display_name,
        {{ first_non_null('declared_identity_id') }} as declared_identity_id,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from observations
    group by base_profile_id
)

select * from collapsed
