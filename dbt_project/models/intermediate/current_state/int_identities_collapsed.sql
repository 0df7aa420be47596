-- One row per declared identity: name and description after their updates.
-- The rule's twin is the view cppa_raw.identity_states (migration 0016, its rows
-- not removed) the dump and import query; tests/test_current_state.py holds the
-- two equal.
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
    -- deleted through the Django drop-in: gone, and no longer evidence
    having not bool_or(action = 'remove')
)

select * from collapsed
