-- One row per current (not removed) email, with normalised helper columns.
-- Most emails have a single 'add' event; only the few with later events are
-- aggregated, then laid over their 'add' row. The rule's twin is the view
-- cppa_raw.current_emails (migration 0016) the loaders and import query;
-- tests/test_current_state.py holds the two equal.
with

events as (
    select * from {{ ref('stg_cppa_raw__emails') }}
),

-- one 'add' per email id (the loaders draw ids from a sequence; a second one,
-- written behind them, is left out and counted in raw_rows_left_out)
added as (
    select distinct on (email_id)
        email_id,
        base_profile_id,
        email,
        is_primary,
        is_active,
        loaded_at
    from events
    where action = 'add'
    order by email_id, event_id
),

changed as (
    select
        email_id,
        {{ latest_non_null('email', 'event_id') }} as email,
        {{ latest_non_null('is_primary', 'event_id') }} as is_primary,
        {{ latest_non_null('is_active', 'event_id') }} as is_active,
        bool_or(action = 'remove') as is_removed,
        max(loaded_at) as updated_at
    from events
    where action <> 'add'
    group by email_id
),

collapsed as (
    select
        added.email_id,
        added.base_profile_id,
        added.loaded_at as created_at,
        coalesce(changed.email, added.email) as email,
        coalesce(changed.is_primary, added.is_primary, false) as is_primary,
        coalesce(changed.is_active, added.is_active, true) as is_active,
        coalesce(changed.updated_at, added.loaded_at) as updated_at
    from added
    left join changed on added.email_id = changed.email_id
    where not coalesce(changed.is_removed, false)
),

-- materialized: the normalised address is computed once, then used six times
normalized as materialized (
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
        -- an account id has at most 18 digits (it fits a bigint): a longer number
        -- is no noreply address of GitHub's, neither its id nor its login counts
        case
            when email_normalized like '%@users.noreply.github.com'
                then nullif(substring(
                    email_normalized from '^([0-9]{1,18})\+[^@]+@users\.noreply\.github\.com$'
                ), '')::bigint
        end as github_noreply_account_id,
        case
            when email_normalized like '%@users.noreply.github.com'
                then substring(
                    email_normalized
                    from '^(?:[0-9]{1,18}\+)?([^@+]+)@users\.noreply\.github\.com$'
                )
        end as github_noreply_login
    from normalized
)

select * from final
