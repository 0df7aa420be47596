-- The least-privilege roles are named per database (`cppa-identity grants`
-- fills this table): a membership never reaches another database on the same
-- server. Everyone may read the names (they are not secret); only the owner
-- writes them.
create table cppa_ops.roles (
    job text primary key check (job in ('loader', 'transformer', 'reviewer', 'reader')),
    role_name text not null unique
);
grant usage on schema cppa_ops to public;
grant select on cppa_ops.roles to public;

-- Who decided: the database login, set by the server (no role may write it),
-- next to decided_by, the person the client names (the OS user by default).
alter table cppa_raw.manual_decisions add column decided_by_login text not null default '';
alter table cppa_raw.manual_decisions alter column decided_by_login set default session_user;

-- Who ran: the login, not the role the run works as. A run stopped by its
-- caller (Ctrl-C) is `cancelled`.
alter table cppa_ops.runs alter column run_by set default session_user;
alter table cppa_ops.runs drop constraint runs_outcome_check;
alter table cppa_ops.runs add constraint runs_outcome_check
    check (outcome in ('running', 'success', 'failed', 'noop', 'cancelled'));
