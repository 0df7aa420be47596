-- One row per declared identity: name and description after their updates.
with

events as (
    select * from {{ ref('stg_cppa_raw__identities') }}
),

collapsed as (
    select
        identity_id,
        coalesce({{ latest_non_null('display_name', 'event_id') }}, '') as display_name,
        coalesce({{ latest_non_null('description', 'event_id') }}, '') as description,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from events
    group by identity_id
)

select * from collapsed
