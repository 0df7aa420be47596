-- Current (not removed) emails as the old app's Email model reads them: live.
-- Grouped on email_id and base_profile_id, so a lookup by either reaches the
-- raw table's index.
with

events as (
    select * from {{ source('cppa_raw', 'emails') }}
),

current_state as (
    select
        email_id,
        base_profile_id,
        {{ latest_non_null('email', 'event_id') }} as email,
        coalesce({{ latest_non_null('is_primary', 'event_id') }}, false) as is_primary,
        coalesce({{ latest_non_null('is_active', 'event_id') }}, true) as is_active,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from events
    group by email_id, base_profile_id
    having not bool_or(action = 'remove')
),

final as (
    select
        email_id as id,
        base_profile_id,
        email::varchar(255) as email,
        is_primary,
        is_active,
        created_at,
        updated_at
    from current_state
)

select * from final
