-- Operations: one row per `cppa-identity run` (start, end, watermark, outcome).
create schema if not exists cppa_ops;

create table cppa_ops.runs (
    run_id bigint generated always as identity primary key,
    started_at timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    watermark pg_snapshot,
    outcome text not null default 'running'
        check (outcome in ('running', 'success', 'failed', 'noop')),
    counts jsonb not null default '{}',
    message text,
    run_by text not null default current_user
);
