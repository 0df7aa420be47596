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
--                any member can run, whoever ran first
--   reviewer     decisions: read raw and the marts, append decisions (who
--                decided: the server records the login)
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
-- decided). Decisions are the reviewers' alone.
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
            execute format(
                'revoke insert on cppa_raw.manual_decisions from {reviewer};'
                ' grant insert (%s) on cppa_raw.manual_decisions to {reviewer}', t.columns
            );
        else
            execute format('grant insert (%s) on cppa_raw.%I to {loader}', t.columns, t.table_name);
        end if;
    end loop;
end
$$;
grant usage on sequence cppa_raw.decision_batch_seq to {reviewer};

-- get-or-create functions lock a key row, which needs UPDATE on the table:
-- they run with their owner's rights instead, on a fixed search_path.
alter function cppa_raw.set_temp_profile_identity_relation(bigint, bigint, boolean, text)
    security definer set search_path = pg_catalog, cppa_raw;

grant usage on schema cppa_ops to {transformer}, {reviewer}, {reader};
grant select, insert, update on cppa_ops.runs to {transformer};
grant select, insert, update on cppa_ops.settings to {transformer};
grant select on cppa_ops.runs, cppa_ops.settings to {reviewer}, {reader};
grant usage on all sequences in schema cppa_ops to {transformer};
do $$
begin
    execute format('grant create, temporary on database %I to {transformer}',
                   current_database());
    execute format('grant temporary on database %I to {loader}, {reviewer}, {reader}',
                   current_database());
    execute format(
        'grant connect on database %I to {loader}, {transformer}, {reviewer}, {reader}',
        current_database()
    );
end
$$;

-- What runs built before these roles existed (a smoke run by the owner) passes to
-- the transformer role, so that its logins can replace it.
do $$
declare
    s record;
    o record;
begin
    for s in
        select nspname from pg_namespace
        where nspname = any({run_schemas}) or nspname like any({retired_schemas})
    loop
        execute format('alter schema %I owner to {transformer}', s.nspname);
        for o in
            select c.relname, c.relkind from pg_class as c
            where c.relnamespace = s.nspname::regnamespace and c.relkind in ('r', 'v', 'm', 'p')
        loop
            execute format(
                'alter %s %I.%I owner to {transformer}',
                case o.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
                s.nspname, o.relname
            );
        end loop;
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

-- marts are rebuilt in a new schema each run; `run` grants the reader on it
-- before publishing. These cover marts that already exist:
do $$
begin
    if exists (select from pg_namespace where nspname = {marts_name}) then
        grant usage on schema {marts} to {reader};
        grant select on all tables in schema {marts} to {reader};
    end if;
end
$$;
