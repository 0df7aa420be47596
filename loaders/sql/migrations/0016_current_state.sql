-- The current state, each rule once: an email's, a decision in force, a declared
-- identity's. Python's queries read these; dbt mirrors each in a model over
-- its staging (which keeps to the run's watermark), and tests/test_current_state.py
-- holds each model equal to its view on generated event sequences:
--   cppa_raw.current_emails       <-> int_emails_collapsed
--   cppa_raw.decisions_in_force   <-> int_manual_decisions_filtered
--   cppa_raw.identity_states      <-> int_identities_collapsed (not removed)
-- Owned by the owner like the tables; `grants` gives every role SELECT on them,
-- as on the raw tables they read, and nothing more (no role writes through one).

-- One row per current (not removed) email: its first 'add' row (a second
-- 'add' of one id, written behind the loaders, is left out), with the latest
-- non-null value of each field of the events after it laid over it. Filters on
-- email_id or base_profile_id reach the table's indexes (the grouping keeps them).
create view cppa_raw.current_emails as
select
    added.email_id,
    added.base_profile_id,
    coalesce(
        (array_agg(later.email order by later.event_id desc)
            filter (where later.email is not null))[1],
        added.email
    ) as email,
    coalesce(
        (array_agg(later.is_primary order by later.event_id desc)
            filter (where later.is_primary is not null))[1],
        added.is_primary,
        false
    ) as is_primary,
    coalesce(
        (array_agg(later.is_active order by later.event_id desc)
            filter (where later.is_active is not null))[1],
        added.is_active,
        true
    ) as is_active,
    added.loaded_at as created_at,
    coalesce(max(later.loaded_at), added.loaded_at) as updated_at
from cppa_raw.emails as added
left join cppa_raw.emails as later
    on later.email_id = added.email_id and later.action <> 'add'
where
    added.action = 'add'
    and not exists (
        select from cppa_raw.emails as earlier
        where
            earlier.email_id = added.email_id
            and earlier.action = 'add'
            and earlier.event_id < added.event_id
    )
group by
    added.email_id, added.event_id, added.base_profile_id, added.email, added.is_primary,
    added.is_active, added.loaded_at
having not coalesce(bool_or(later.action = 'remove'), false);

-- Current emails of one profile (the loaders' "this profile already has it"):
-- the rows of cppa_raw.current_emails, as before this migration.
create or replace function cppa_raw.profile_emails(p_base_profile_id bigint)
returns table (email_id bigint, email text, is_primary boolean, is_active boolean)
language sql stable as $$
    select c.email_id, c.email, c.is_primary, c.is_active
    from cppa_raw.current_emails as c
    where c.base_profile_id = p_base_profile_id
    order by c.email_id
$$;

-- Every decision that stands: no revoke, and no revoke names it. An unlock and
-- the lock before it both stand here (what a new decision is checked against);
-- cppa_raw.decisions_in_force is what takes effect.
create view cppa_raw.decisions_unrevoked as
select d.*
from cppa_raw.manual_decisions as d
where
    d.action <> 'revoke'
    and not exists (
        select from cppa_raw.manual_decisions as r
        where r.action = 'revoke' and r.revokes_decision_id = d.decision_id
    );

-- One row per decision in force: it stands, it is no unlock, and a lock has no
-- unlock of its identity standing after it.
create view cppa_raw.decisions_in_force as
select d.*
from cppa_raw.decisions_unrevoked as d
where
    d.action <> 'unlock'
    and not (
        d.action = 'lock'
        and exists (
            select from cppa_raw.decisions_unrevoked as u
            where u.action = 'unlock' and u.node_a = d.node_a and u.decision_id > d.decision_id
        )
    );

-- One row per declared identity: its name and description after their updates
-- ('' when never given), when it was created and last changed, and whether the
-- Django drop-in removed it (a removed identity is no evidence; the dump keeps it,
-- as the observations that named it do).
create view cppa_raw.identity_states as
select
    i.identity_id,
    coalesce(
        (array_agg(i.display_name order by i.event_id desc)
            filter (where i.display_name is not null))[1],
        ''
    ) as display_name,
    coalesce(
        (array_agg(i.description order by i.event_id desc)
            filter (where i.description is not null))[1],
        ''
    ) as description,
    min(i.loaded_at) as created_at,
    max(i.loaded_at) as updated_at,
    bool_or(i.action = 'remove') as is_removed
from cppa_raw.identities as i
group by i.identity_id;
