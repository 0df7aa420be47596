-- One publish path: runs build, publish and drop through the owner's functions
-- always, before `grants` as after (they were created by `grants`, and a Python
-- twin did the same where it never ran). Role names come from cppa_ops.roles at
-- call time (null before `grants`: the login that runs builds, and nobody else
-- is granted anything). The schema names are loaders/ops/schemas.py's
-- (tests/test_publish.py checks them).

-- The role `grants` named for a job, if it exists (null before `grants`).
create or replace function cppa_ops.job_role(p_job text) returns text
language sql stable security definer set search_path = pg_catalog, pg_temp
as $fn$
    select r.role_name from cppa_ops.roles as r
    where r.job = p_job and to_regrole(quote_ident(r.role_name)) is not null
$fn$;

-- A schema a run builds in, owned by the transformer role (the login that runs,
-- before `grants`); p_fresh: dropped with everything in it first.
create or replace function cppa_ops.run_schema(p_schema text, p_fresh boolean)
returns void
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $fn$
declare
    builder text := coalesce(cppa_ops.job_role('transformer'), session_user);
begin
    if p_schema is null or p_schema <> all(array[
        'cppa_identity_work', 'cppa_identity_config', 'cppa_identity__next',
        'cppa_identity_history__next'
    ]::text[]) then
        raise exception using errcode = '42501',
            message = format('%L is not a schema runs build in', p_schema);
    end if;
    if p_fresh then
        execute format('drop schema if exists %I cascade', p_schema);
    end if;
    if not exists (select from pg_namespace where nspname = p_schema) then
        execute format('create schema %I authorization %I', p_schema, builder);
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
    granted_to text;
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
    foreach granted_to in array array_remove(
        array[cppa_ops.job_role('transformer'), cppa_ops.job_role('reader')], null
    ) loop
        execute format('grant usage on schema %I to %I', p_schema, granted_to);
        execute format('grant select on all tables in schema %I to %I', p_schema, granted_to);
    end loop;
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
        ['cppa_identity__next', 'cppa_identity', 'cppa_identity__old'],
        ['cppa_identity_history__next', 'cppa_identity_history', 'cppa_identity_history__old']
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
    if p_schema is null or not p_schema like any(
        array['cppa\_identity\_\_old%', 'cppa\_identity\_history\_\_old%']::text[]
    ) then
        raise exception using errcode = '42501',
            message = format('%L is not a schema a run set aside', p_schema);
    end if;
    execute format('drop schema if exists %I cascade', p_schema);
end
$fn$;

revoke all on function cppa_ops.job_role(text), cppa_ops.run_schema(text, boolean),
    cppa_ops.take_over_schema(text), cppa_ops.publish_marts(bigint),
    cppa_ops.drop_retired_schema(text) from public;
