-- One node per id: profiles, declared identities and tmp identities share one
-- id space (cppa_raw.node_id_seq). The loaders draw from the sequence, but a
-- loader's login may name the id column (its inserts name their columns), and
-- one `insert into cppa_raw.identities` under a profile's id declared a second
-- node with that id: every later run failed its data tests until the owner
-- deleted the row.
--
-- Two guards, one for each way such a row can arrive:
--   * an insert naming an id another kind of node holds is refused here, with
--     unique_violation naming the id and its holder;
--   * two transactions that each add one of the two (neither sees the other's
--     row) both commit; the merge then keeps the id's first holder in the
--     order profile, tmp identity, declared identity, and leaves the other's
--     rows out, counted in raw_rows_left_out. The view below is that rule's
--     twin for the dump and import (tests/test_current_state.py).
create or replace function cppa_raw.node_id_unclaimed() returns trigger
language plpgsql security definer set search_path = pg_catalog, cppa_raw as $$
declare
    clash record;
begin
    -- one check per statement (a bulk load's rows are joined at once), in
    -- static SQL: its plan is kept from call to call (dynamic SQL planned every
    -- insert again and doubled a single create_identity's time)
    if tg_table_name = 'profiles' then
        select n.base_profile_id as id,
            case
                when exists (select from tmp_identities as t where t.tmp_identity_id = n.base_profile_id)
                    then 'tmp identity'
                else 'declared identity'
            end as holder
        into clash
        from inserted as n
        where exists (select from tmp_identities as t where t.tmp_identity_id = n.base_profile_id)
            or exists (select from identities as i where i.identity_id = n.base_profile_id)
        limit 1;
    elsif tg_table_name = 'identities' then
        select n.identity_id as id,
            case
                when exists (select from profiles as p where p.base_profile_id = n.identity_id)
                    then 'profile'
                else 'tmp identity'
            end as holder
        into clash
        from inserted as n
        where exists (select from profiles as p where p.base_profile_id = n.identity_id)
            or exists (select from tmp_identities as t where t.tmp_identity_id = n.identity_id)
        limit 1;
    else
        select n.tmp_identity_id as id,
            case
                when exists (select from profiles as p where p.base_profile_id = n.tmp_identity_id)
                    then 'profile'
                else 'declared identity'
            end as holder
        into clash
        from inserted as n
        where exists (select from profiles as p where p.base_profile_id = n.tmp_identity_id)
            or exists (select from identities as i where i.identity_id = n.tmp_identity_id)
        limit 1;
    end if;
    if clash.id is not null then
        raise exception using
            errcode = 'unique_violation',
            message = format(
                'cppa_raw.%s.%s = %s: that id is a %s''s (profiles, declared identities and'
                ' tmp identities share one id space; take ids from cppa_raw.node_id_seq)',
                tg_table_name, tg_argv[0], clash.id, clash.holder
            );
    end if;
    return null;
end
$$;
revoke all on function cppa_raw.node_id_unclaimed() from public;

create trigger node_id_unclaimed after insert on cppa_raw.profiles
referencing new table as inserted
for each statement execute function cppa_raw.node_id_unclaimed('base_profile_id');
create trigger node_id_unclaimed after insert on cppa_raw.identities
referencing new table as inserted
for each statement execute function cppa_raw.node_id_unclaimed('identity_id');
create trigger node_id_unclaimed after insert on cppa_raw.tmp_identities
referencing new table as inserted
for each statement execute function cppa_raw.node_id_unclaimed('tmp_identity_id');

-- The declared identities' current state, as before (migration 0016), without
-- the events under an id a profile or tmp identity holds.
create or replace view cppa_raw.identity_states as
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
where
    not exists (select from cppa_raw.profiles as p where p.base_profile_id = i.identity_id)
    and not exists (select from cppa_raw.tmp_identities as t where t.tmp_identity_id = i.identity_id)
group by i.identity_id;
