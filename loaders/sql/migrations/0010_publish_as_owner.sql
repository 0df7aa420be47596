-- Runs now build in schemas the owner creates for the transformer role and
-- publish through the owner's functions (cppa_ops.run_schema, publish_marts,
-- created by `cppa-identity grants`), which hand the published marts to the
-- owner. Applying this migration re-applies the grants where `grants` ran
-- before, so a database set up by an earlier version changes over with it.
comment on table cppa_ops.roles is
    'the least-privilege roles of this database, by job (cppa-identity grants)';
