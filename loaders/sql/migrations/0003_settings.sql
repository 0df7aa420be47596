-- Operations: settings kept in the database (one row per key), e.g. the checksum
-- of the seeds last loaded, so a run reloads them only when they changed.
create table cppa_ops.settings (
    key text primary key,
    value text not null,
    updated_at timestamptz not null default clock_timestamp()
);
