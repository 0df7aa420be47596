-- Decision batches: decisions recorded together (an import's mapping lines,
-- `candidates accept`) carry one batch id and are undone together.
create sequence cppa_raw.decision_batch_seq as bigint;
alter table cppa_raw.manual_decisions add column batch_id bigint;
create index on cppa_raw.manual_decisions (batch_id) where batch_id is not null;
create index on cppa_raw.manual_decisions (revokes_decision_id)
where revokes_decision_id is not null;

-- One case-folding rule on every server, whatever the database's LC_CTYPE:
-- lower() under this collation is Unicode's full lower-case mapping (the one
-- Python's str.lower() applies). PostgreSQL 18 has it built in; older servers
-- get it from ICU's root locale.
do $$
begin
    if current_setting('server_version_num')::integer >= 180000 then
        create collation cppa_raw.fold (provider = builtin, locale = 'PG_UNICODE_FAST');
    elsif exists (select from pg_collation where collprovider = 'i') then
        create collation cppa_raw.fold (provider = icu, locale = 'und');
    else
        raise exception 'cppa-identity needs PostgreSQL 18, or a server built with ICU, to fold case the same way on every database locale';
    end if;
end
$$;
