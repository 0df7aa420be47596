-- Least-privilege roles (NOLOGIN; grant them to login users). Idempotent.
--   cppa_loader       collectors: read + append raw rows, use the sequences; no
--                     UPDATE / DELETE / TRUNCATE, no access to the marts
--   cppa_transformer  `cppa-identity run`: read raw, log runs, build and own the marts
--   cppa_reader       downstream readers: read the marts
do $$
declare
    r text;
begin
    foreach r in array array['cppa_loader', 'cppa_transformer', 'cppa_reader'] loop
        if not exists (select from pg_roles where rolname = r) then
            execute format('create role %I nologin', r);
        end if;
    end loop;
end
$$;

grant usage on schema cppa_raw to cppa_loader, cppa_transformer;
grant select, insert on all tables in schema cppa_raw to cppa_loader;
grant usage on all sequences in schema cppa_raw to cppa_loader;
grant execute on all functions in schema cppa_raw to cppa_loader;
revoke update, delete, truncate on all tables in schema cppa_raw from cppa_loader;
-- get-or-create functions lock a key row, which needs UPDATE on the table:
-- they run with their owner's rights instead, on a fixed search_path.
alter function cppa_raw.set_temp_profile_identity_relation(bigint, bigint, boolean, text)
    security definer set search_path = pg_catalog, cppa_raw;

grant select on all tables in schema cppa_raw to cppa_transformer;
grant usage on schema cppa_ops to cppa_transformer;
grant select, insert, update on cppa_ops.runs to cppa_transformer;
grant select, insert, update on cppa_ops.settings to cppa_transformer;
grant usage on all sequences in schema cppa_ops to cppa_transformer;
do $$
begin
    execute format('grant create, temporary on database %I to cppa_transformer',
                   current_database());
    execute format('grant temporary on database %I to cppa_loader', current_database());
    execute format('grant connect on database %I to cppa_loader, cppa_transformer, cppa_reader',
                   current_database());
end
$$;
-- marts are rebuilt in a new schema each run; `run` grants cppa_reader on it
-- before publishing. These cover marts that already exist:
do $$
begin
    if exists (select from pg_namespace where nspname = 'cppa_identity') then
        grant usage on schema cppa_identity to cppa_reader;
        grant select on all tables in schema cppa_identity to cppa_reader;
    end if;
end
$$;
