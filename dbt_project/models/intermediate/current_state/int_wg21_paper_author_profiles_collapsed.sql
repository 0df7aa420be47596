-- One row per WG21 paper author: its history reduced to current state.
with

observations as (
    select * from {{ ref('stg_cppa_raw__wg21_paper_author_profiles') }}
),

collapsed as (
    select
        base_profile_id,
        coalesce({{ latest_non_null('display_name') }}, '') as display_name,
        coalesce({{ latest_non_null('author_alias') }}, '') as author_alias,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from observations
    group by base_profile_id
)

select * from collapsed
