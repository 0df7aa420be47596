-- One row per mailing-list profile: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__mailing_list_profiles') }}
),

collapsed as (
    select
        base_profile_id,
        coalesce({{ latest_non_null('display_name') }}, '') as display_name,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from observations
    group by base_profile_id
)

select * from collapsed
