-- The Django compatibility views (dbt models marts/django_compat) read raw live.
-- Their lookups by natural key reach these indexes (a lookup by profile id uses
-- each table's primary key). Text keys are indexed as the views show them,
-- varchar(N) like the Django fields, so that the cast does not hide the index.
create index on cppa_raw.github_accounts (github_account_id);
create index on cppa_raw.slack_users (((slack_user_id::varchar(64))::text));
create index on cppa_raw.discord_profiles (discord_user_id);
create index on cppa_raw.youtube_speakers (((external_id::varchar(255))::text));

-- Writes through the views are refused, the owner's included: the rows belong
-- to the loaders (an INSTEAD OF trigger on each view calls this).
create function cppa_raw.refuse_django_write() returns trigger
language plpgsql as $$
begin
    raise exception using
        errcode = 'feature_not_supported',
        message = format('%I is a read-only view of cppa-identity', tg_table_name),
        hint = 'write through the loaders: loaders.django_app.services (Django) or the loaders package';
end
$$;
