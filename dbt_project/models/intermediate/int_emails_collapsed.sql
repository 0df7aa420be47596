-- One row per current (not removed) email, with normalised helper columns.
with

events as (
    select * from {{ ref('stg_cppa_raw__emails') }}
),

collapsed as (
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
    having bool_or(action = 'add') and not bool_or(action = 'remove')
),

normalized as (
    select
        *,
        {{ normalize_email('email') }} as email_normalized
    from collapsed
),

final as (
    select
        *,
        split_part(email_normalized, '@', 2) as email_domain,
        split_part(email_normalized, '@', 1) as email_local_part,
        email_normalized ~ '^[^@\s]+@[^@\s]+\.[^@\s.]+$' as is_valid_email,
        nullif(substring(
            email_normalized from '^([0-9]+)\+[^@]+@users\.noreply\.github\.com$'
        ), '')::bigint as github_noreply_account_id,
        substring(
            email_normalized from '^(?:[0-9]+\+)?([^@+]+)@users\.noreply\.github\.com$'
        ) as github_noreply_login
    from normalized
)

select * from final
