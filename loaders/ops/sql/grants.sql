-- Least-privilege roles, one set per database; their names come from
-- cppa_ops.roles ({loader} and the like are replaced by quoted role names, the
-- schemas' by loaders/ops/schemas.py).
-- loaders/ops/roles.py creates the roles (NOLOGIN) and memberships first.
-- Idempotent.
--   loader       collectors: read + append raw rows, use the sequences; no
--                UPDATE / DELETE / TRUNCATE, no decisions, no say over
--                loaded_at / loaded_xid (the server sets them), no marts
--   transformer  `cppa-identity run`: read raw, log runs; every run works
--                as this role (SET ROLE), so it owns what runs build and
--                any member can run, whoever ran first; only a login that
--                holds nothing more may run (loaders/ops/roles.py)
--   reviewer     decisions: read raw and the marts, record decisions through
--                cppa_ops.record_decision (the server records the login)
--   reader       readers and the read commands (status, show, candidates,
--                audit, export): read raw and the marts
-- Nobody but the owner can create or replace the functions in cppa_lib and
-- cppa_raw that every role executes.

grant usage on schema cppa_raw to {loader}, {transformer}, {reviewer}, {reader};
grant usage on schema cppa_lib to {loader}, {transformer}, {reviewer}, {reader};
grant execute on all functions in schema cppa_lib
    to {loader}, {transformer}, {reviewer}, {reader};
grant select on all tables in schema cppa_raw
    to {loader}, {transformer}, {reviewer}, {reader};
grant usage on all sequences in schema cppa_raw to {loader};
grant execute on all functions in schema cppa_raw to {loader};
revoke insert, update, delete, truncate on all tables in schema cppa_raw from {loader};

-- Appends name their columns: every one but loaded_at, loaded_xid and
-- decided_by_login, which only the server's defaults fill (a forged transaction
-- id would break the run's watermark; a forged login, the record of who
-- decided). Decisions are the reviewers' alone, recorded through the owner's
-- function, which checks them and records the login and the batch's owner.
do $$
declare
    t record;
begin
    for t in
        select c.table_name, string_agg(quote_ident(c.column_name), ', ') as columns
        from information_schema.columns as c
        join information_schema.tables as x
            on x.table_schema = c.table_schema and x.table_name = c.table_name
        where c.table_schema = 'cppa_raw' and x.table_type = 'BASE TABLE'
            and c.column_name not in ('loaded_at', 'loaded_xid', 'decided_by_login')
            and c.table_name not in ('schema_version')
        group by c.table_name
    loop
        if t.table_name = 'manual_decisions' then
            -- only through cppa_ops.record_decision (migration 0013), below
            revoke insert on cppa_raw.manual_decisions from {reviewer};
        else
            execute format('grant insert (%s) on cppa_raw.%I to {loader}', t.columns, t.table_name);
        end if;
    end loop;
end
$$;
revoke usage on sequence cppa_raw.decision_batch_seq from {reviewer};
grant execute on function cppa_ops.new_decision_batch(), cppa_ops.record_decision(
    text, bigint, bigint, bigint [], bigint, text, text, text, bigint
) to {reviewer};

-- get-or-create functions lock a key row, which needs UPDATE on the table:
-- they run with their owner's rights instead, on a fixed search_path.
alter function cppa_raw.set_temp_profile_identity_relation(bigint, bigint, boolean, text)
    security definer set search_path = pg_catalog, cppa_raw;
-- With the owner's rights it appends for whoever calls it: the loader's alone
-- (a function is PUBLIC's to execute by default, and every role uses cppa_raw,
-- so a reader's login appended relations through it, a merge's evidence).
revoke all on function cppa_raw.set_temp_profile_identity_relation(bigint, bigint, boolean, text)
    from public;
grant execute on function cppa_raw.set_temp_profile_identity_relation(bigint, bigint, boolean, text)
    to {loader};

grant usage on schema cppa_ops to {transformer}, {reviewer}, {reader};
-- The run log: a run appends its row (run_by is the server's: the login) and
-- finishes it, or a later run finishes one whose process died; a finished
-- row is history. A scheduler's login rewrote any row (a failed run another
-- login made became a reviewer's success) and appended runs under the owner.
revoke insert, update on cppa_ops.runs from {transformer};
grant select on cppa_ops.runs to {transformer};
grant insert (watermark, kind, inputs, outcome, counts, finished_at, message)
    on cppa_ops.runs to {transformer};
grant update (outcome, counts, finished_at, message) on cppa_ops.runs to {transformer};
alter table cppa_ops.runs enable row level security;
drop policy if exists runs_read on cppa_ops.runs;
create policy runs_read on cppa_ops.runs for select using (true);
drop policy if exists runs_append on cppa_ops.runs;
create policy runs_append on cppa_ops.runs for insert to {transformer}
    with check (run_by = session_user);
drop policy if exists runs_finish on cppa_ops.runs;
create policy runs_finish on cppa_ops.runs for update to {transformer}
    using (outcome = 'running') with check (true);
grant select, insert, update on cppa_ops.settings to {transformer};
grant select on cppa_ops.runs, cppa_ops.settings to {reviewer}, {reader};
-- The transformer writes the settings a run keeps (seeds, the name policy, the
-- policy it built with and the inputs its work schema was built from) and no
-- other: it replaced the redaction key that
-- the owner's `export --redact-emails` hashes under (a key anyone may then
-- know), and the Django tables' schema, which stopped every collector's insert.
alter table cppa_ops.settings enable row level security;
drop policy if exists settings_read on cppa_ops.settings;
create policy settings_read on cppa_ops.settings for select using (true);
drop policy if exists settings_run_insert on cppa_ops.settings;
create policy settings_run_insert on cppa_ops.settings for insert to {transformer}
    with check (key in ('seeds_checksum', 'name_join_policy', 'name_join_policy_built', 'work_inputs'));
drop policy if exists settings_run_update on cppa_ops.settings;
create policy settings_run_update on cppa_ops.settings for update to {transformer}
    using (key in ('seeds_checksum', 'name_join_policy', 'name_join_policy_built', 'work_inputs'))
    with check (key in ('seeds_checksum', 'name_join_policy', 'name_join_policy_built', 'work_inputs'));
grant usage on all sequences in schema cppa_ops to {transformer};
-- The transformer creates no schema (it could otherwise plant one named after
-- another login, first on that login's search_path): the owner creates the
-- schemas runs build in, for it (cppa_ops.run_schema).
do $$
begin
    execute format('revoke create on database %I from {transformer}', current_database());
    execute format('grant temporary on database %I to {loader}, {transformer}, {reviewer}, {reader}',
                   current_database());
    execute format(
        'grant connect on database %I to {loader}, {transformer}, {reviewer}, {reader}',
        current_database()
    );
end
$$;

-- the owner's functions runs build and publish through (migration 0015): the
-- transformer's alone
revoke all on function cppa_ops.run_schema(text, boolean), cppa_ops.take_over_schema(text),
    cppa_ops.publish_marts(bigint), cppa_ops.drop_retired_schema(text) from public;
grant execute on function cppa_ops.run_schema(text, boolean), cppa_ops.publish_marts(bigint),
    cppa_ops.drop_retired_schema(text) to {transformer};

-- Where runs build: the transformer's. What runs published before (a smoke run
-- by the owner, or runs of a version whose marts were the transformer's): the
-- owner's, checked.
do $$
declare
    s text;
begin
    foreach s in array {run_schemas} loop
        -- what a login built before `grants` (the owner's first runs): built again
        if exists (
            select from pg_class where relnamespace = to_regnamespace(s)
                and relowner <> {transformer_name}::regrole
        ) then
            perform cppa_ops.run_schema(s, true);
        elsif exists (select from pg_namespace where nspname = s) then
            execute format('alter schema %I owner to {transformer}', s);
        else
            perform cppa_ops.run_schema(s, false);
        end if;
    end loop;
    foreach s in array {published_schemas} loop
        perform cppa_ops.take_over_schema(s);
    end loop;
end
$$;

-- the Django drop-in's tables, where they exist: the run writes identities back
do $$
begin
    if to_regprocedure('cppa_raw.django_grant_write_back()') is not null then
        perform cppa_raw.django_grant_write_back();
    end if;
end
$$;
