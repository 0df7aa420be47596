-- The Django drop-in owns real tables (loaders.django_app) and mirrors every
-- write into this log: what the ORM can say that the loaders could not.

-- A deleted profile or tmp identity: the merge leaves it out from then on.
create table cppa_raw.removals (
    event_id bigint generated always as identity primary key,
    node_id bigint not null,
    kind text not null check (kind in ('profile', 'tmp_identity')),
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text
);
create index on cppa_raw.removals (node_id);

-- A deleted declared identity.
alter table cppa_raw.identities drop constraint identities_action_check;
alter table cppa_raw.identities add constraint identities_action_check
check (action in ('create', 'update', 'remove'));

-- The old models let every profile name its identity, not only GitHub,
-- Discord and YouTube ones.
alter table cppa_raw.slack_users add column identity_id bigint;
alter table cppa_raw.mailing_list_profiles add column identity_id bigint;
alter table cppa_raw.wg21_paper_author_profiles add column identity_id bigint;

-- The read-only views are gone with the tables that replace them.
drop function if exists cppa_raw.refuse_django_write() cascade;
do $$
declare
    v regclass;
begin
    for v in
        select c.oid::regclass from pg_class as c
        where c.relnamespace = to_regnamespace('cppa_identity')
            and c.relkind = 'v' and c.relname like 'cppa\_user\_tracker\_%'
    loop
        execute format('drop view if exists %s cascade', v);
    end loop;
end
$$;
