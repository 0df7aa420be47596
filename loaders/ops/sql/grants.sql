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

grant usage on schema cppa_ops to {transformer}, {reviewer}, {reader};
grant select, insert, update on cppa_ops.runs to {transformer};
grant select, insert, update on cppa_ops.settings to {transformer};
grant select on cppa_ops.runs, cppa_ops.settings to {reviewer}, {reader};
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

-- A schema a run builds in, owned by the transformer role; p_fresh: dropped
-- with everything in it first.
create or replace function cppa_ops.run_schema(p_schema text, p_fresh boolean)
returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
begin
    if p_schema is null or p_schema <> all({run_schemas}) then
        raise exception using errcode = '42501',
            message = format('%L is not a schema runs build in', p_schema);
    end if;
    if p_fresh then
        execute format('drop schema if exists %I cascade', p_schema);
    end if;
    if not exists (select from pg_namespace where nspname = p_schema) then
        execute format('create schema %I authorization %I', p_schema, {transformer_name});
    end if;
end
$fn$;

-- Takes a schema a run built over for the owner: the schema, its tables and
-- their grants, so that its builder can no longer change anything in it, then
-- checks that it holds plain tables and nothing that could run code when it is
-- read or analyzed (views, rules, row security, triggers, functions,
-- operators, types, expression indexes or statistics, defaults, checks).
-- Raises, changing nothing, when it holds anything else.
create or replace function cppa_ops.take_over_schema(p_schema text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
declare
    ns oid;
    o record;
    g record;
    found text;
begin
    select oid into ns from pg_namespace where nspname = p_schema;
    if ns is null then
        return;
    end if;
    execute format('alter schema %I owner to %I', p_schema, current_user);
    for o in
        select distinct a.grantee from pg_namespace as n, aclexplode(n.nspacl) as a
        where n.oid = ns and a.grantee <> n.nspowner
    loop
        execute format('revoke all on schema %I from %s', p_schema,
            case o.grantee when 0 then 'public' else o.grantee::regrole::text end);
    end loop;
    for o in
        select c.oid, c.relname from pg_class as c
        where c.relnamespace = ns and c.relkind in ('r', 'p')
    loop
        execute format('alter table %I.%I owner to %I', p_schema, o.relname, current_user);
        execute format('revoke all on table %I.%I from public', p_schema, o.relname);
        for g in
            select distinct a.grantee from pg_class as c, aclexplode(c.relacl) as a
            where c.oid = o.oid and a.grantee not in (0, c.relowner)
        loop
            execute format('revoke all on table %I.%I from %s', p_schema, o.relname,
                           g.grantee::regrole::text);
        end loop;
    end loop;
    select string_agg(what, ', ' order by what) into found from (
        select format('%s %I', case c.relkind when 'v' then 'view'
                when 'm' then 'materialized view' when 'f' then 'foreign table'
                when 'c' then 'type' when 'S' then 'sequence'
                when 'p' then 'partitioned table' when 'I' then 'partitioned index'
                else 'relation' end,
            c.relname) as what
        from pg_class as c where c.relnamespace = ns and c.relkind not in ('r', 'i', 't')
        union all
        select format('row security or rules on %I', c.relname) from pg_class as c
        where c.relnamespace = ns and (c.relrowsecurity or c.relforcerowsecurity or c.relhasrules)
        union all
        select format('policy %I on %I', p.polname, c.relname)
        from pg_policy as p join pg_class as c on c.oid = p.polrelid
        where c.relnamespace = ns
        union all
        select format('rule %I on %I', r.rulename, c.relname)
        from pg_rewrite as r join pg_class as c on c.oid = r.ev_class
        where c.relnamespace = ns
        union all
        -- a child table or a partition (anywhere) adds its rows to a parent here;
        -- a parent elsewhere could change a table here
        select format('inheritance: %s inherits from %s', i.inhrelid::regclass,
                      i.inhparent::regclass)
        from pg_inherits as i
        join pg_class as c on c.oid in (i.inhrelid, i.inhparent)
        where c.relnamespace = ns
        union all
        select format('foreign key %I on %s', k.conname, k.conrelid::regclass)
        from pg_constraint as k join pg_class as c on c.oid = k.confrelid
        where c.relnamespace = ns and k.contype = 'f'
        union all
        select format('trigger %I on %I', t.tgname, c.relname)
        from pg_trigger as t join pg_class as c on c.oid = t.tgrelid
        where c.relnamespace = ns and not t.tgisinternal
        union all
        select format('index %I on expressions', c.relname)
        from pg_index as i join pg_class as c on c.oid = i.indexrelid
        where c.relnamespace = ns and (i.indexprs is not null or i.indpred is not null)
        union all
        select format('statistics %I', s.stxname)
        from pg_statistic_ext as s join pg_class as c on c.oid = s.stxrelid
        where c.relnamespace = ns or s.stxnamespace = ns
        union all
        select format('default of %I.%I', c.relname, a.attname)
        from pg_attrdef as d
        join pg_class as c on c.oid = d.adrelid
        join pg_attribute as a on a.attrelid = d.adrelid and a.attnum = d.adnum
        where c.relnamespace = ns
        union all
        select format('check %I on %I', k.conname, c.relname)
        from pg_constraint as k join pg_class as c on c.oid = k.conrelid
        where c.relnamespace = ns and k.contype not in ('p', 'u', 'n')
        union all
        select format('column %I.%I of type %s', c.relname, a.attname, a.atttypid::regtype)
        from pg_attribute as a
        join pg_class as c on c.oid = a.attrelid
        join pg_type as t on t.oid = a.atttypid
        where c.relnamespace = ns and c.relkind in ('r', 'p') and a.attnum > 0
            and not a.attisdropped and t.typnamespace <> 'pg_catalog'::regnamespace
        union all
        select format('function %s', p.oid::regprocedure) from pg_proc as p
        where p.pronamespace = ns
        union all
        select format('operator %s', op.oid::regoperator) from pg_operator as op
        where op.oprnamespace = ns
        union all
        select format('type %s', t.oid::regtype) from pg_type as t
        where t.typnamespace = ns and t.typrelid = 0
            and not exists (select from pg_type as e where e.oid = t.typelem and e.typrelid <> 0)
        union all
        select format('collation %I', l.collname) from pg_collation as l
        where l.collnamespace = ns
    ) as objects;
    if found is not null then
        raise exception using errcode = '42501',
            message = format('%s holds %s, which cppa-identity does not build: not published',
                             p_schema, found);
    end if;
    execute format('grant usage on schema %I to {transformer}, {reader}', p_schema);
    execute format('grant select on all tables in schema %I to {transformer}, {reader}', p_schema);
end
$fn$;

-- The end of a run: the marts and history it built become the published ones,
-- the owner's (take_over_schema); the ones they replace are set aside for
-- cppa_ops.drop_retired_schema.
create or replace function cppa_ops.publish_marts(p_run_id bigint) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
declare
    pair text[];
begin
    foreach pair slice 1 in array array[
        [{next_name}, {marts_name}, {old_name}], [{history_next_name}, {history_name}, {history_old_name}]
    ] loop
        if exists (select from pg_namespace where nspname = pair[1]) then
            perform cppa_ops.take_over_schema(pair[1]);
            if exists (select from pg_namespace where nspname = pair[2]) then
                execute format('alter schema %I rename to %I', pair[2], pair[3] || '_' || p_run_id);
            end if;
            execute format('alter schema %I rename to %I', pair[1], pair[2]);
        end if;
    end loop;
end
$fn$;

create or replace function cppa_ops.drop_retired_schema(p_schema text) returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
begin
    if p_schema is null or not p_schema like any({retired_schemas}) then
        raise exception using errcode = '42501',
            message = format('%L is not a schema a run set aside', p_schema);
    end if;
    execute format('drop schema if exists %I cascade', p_schema);
end
$fn$;

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
