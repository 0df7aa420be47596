-- Runs whose cost follows what changed (issue 31). Each run says which kind it
-- was: `full` (every model built) or `unchanged` (nothing dbt reads changed
-- since the last published run: nothing built, the published marts stay);
-- `incremental` is reserved for the path that rebuilds only what changed.
-- `inputs` fingerprints what a build reads besides raw rows (the dbt project's
-- files, the name policy, this schema's version); raw rows are compared by the
-- watermark.
alter table cppa_ops.runs add column kind text not null default 'full'
    check (kind in ('full', 'unchanged', 'incremental'));
alter table cppa_ops.runs add column inputs text;
update cppa_ops.runs set kind = 'unchanged' where outcome = 'noop';

-- "Did any raw row arrive that the last published run did not read?" looks only
-- at rows written at or after that run's snapshot xmin: an index range scan per
-- table, whatever the table's size (loaders/ops/catalog.py: raw_changed_since).
create index on cppa_raw.profiles (loaded_xid);
create index on cppa_raw.unknown_github_authors (loaded_xid);
create index on cppa_raw.github_accounts (loaded_xid);
create index on cppa_raw.slack_users (loaded_xid);
create index on cppa_raw.discord_profiles (loaded_xid);
create index on cppa_raw.mailing_list_profiles (loaded_xid);
create index on cppa_raw.wg21_paper_author_profiles (loaded_xid);
create index on cppa_raw.youtube_speakers (loaded_xid);
create index on cppa_raw.emails (loaded_xid);
create index on cppa_raw.identities (loaded_xid);
create index on cppa_raw.tmp_identities (loaded_xid);
create index on cppa_raw.temp_profile_identity_relation_keys (loaded_xid);
create index on cppa_raw.temp_profile_identity_relations (loaded_xid);
create index on cppa_raw.removals (loaded_xid);
create index on cppa_raw.manual_decisions (loaded_xid);
