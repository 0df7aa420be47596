-- The run log (cppa_ops.runs) and the catalog queries of `cppa-identity run`.

-- name: try_lock
select pg_try_advisory_lock(%s);

-- name: unlock
select pg_advisory_unlock(%s);

-- name: last_success
-- The last published run (a run that found nothing new republished its
-- predecessor's marts): its watermark and the inputs it was built from.
select run_id, watermark::text, inputs from cppa_ops.runs
where outcome in ('success', 'noop')
order by run_id desc limit 1;

-- name: mark_interrupted
-- Under the run lock no other run is alive: a 'running' row is a dead process.
update cppa_ops.runs set outcome = 'failed', finished_at = clock_timestamp(),
    message = 'interrupted (the process died before its publish; its lock was released)'
where outcome = 'running';

-- name: snapshot
select pg_current_snapshot()::text;

-- name: log_noop
-- An unchanged run: the last published run's watermark, inputs and mart counts
-- (the marts are the ones it published; counting them again costs a scan).
insert into cppa_ops.runs (finished_at, watermark, outcome, counts, kind, inputs)
select
    clock_timestamp(), p.watermark, 'noop',
    (select coalesce(jsonb_object_agg(c.key, c.value), '{}') from jsonb_each(p.counts) as c
        where c.key = any(%(keys)s)),
    'unchanged', p.inputs
from cppa_ops.runs as p
where p.run_id = %(published)s
returning run_id, counts;

-- name: log_start
insert into cppa_ops.runs (watermark, kind, inputs) values (%s, %s, %s)
returning run_id, started_at;

-- name: log_finish
-- Only a run still running: a publish that committed its own 'success' stays.
update cppa_ops.runs set finished_at = clock_timestamp(), outcome = %s, counts = %s,
    message = %s
where run_id = %s and outcome = 'running';

-- name: outcome
select outcome from cppa_ops.runs where run_id = %s;

-- name: foreign_objects
select format('%%s (%%s)', c.oid::regclass, case c.relkind when 'r' then 'table'
    when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
    when 'f' then 'foreign table' else 'partitioned table' end)
from pg_class as c
where c.relnamespace = %(schema)s::regnamespace and c.relkind in ('r', 'v', 'm', 'S', 'f', 'p')
    and not c.relname = any(%(ours)s)
union all
select format('%%s (function)', p.oid::regprocedure)
from pg_proc as p where p.pronamespace = %(schema)s::regnamespace
order by 1;

-- name: schema_exists
select exists (select from pg_namespace where nspname = %s);

-- name: relation_exists
select to_regclass(%s) is not null;

-- name: retired_schemas
select nspname from pg_namespace where nspname like any(%s) order by nspname;

-- name: schema_tables
select tablename from pg_tables where schemaname = %s order by 1;
