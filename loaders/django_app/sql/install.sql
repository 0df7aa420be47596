-- The Django drop-in's tables (loaders.django_app.models, owned by Django) keep
-- cppa-identity's raw log in step: every INSERT and UPDATE is an observation,
-- every DELETE a recorded removal, all with source 'django'. Installed after
-- `migrate` (loaders.django_app.mirror.install); idempotent.
--
-- The triggers never refuse a row Django accepted: a key another profile holds
-- already (the old GitHubAccount.github_account_id is not unique) is kept under
-- a key of its own ('django:<id>'), so nothing the ORM wrote is lost.
--
-- {schema} is the schema of the Django tables.

-- An id given explicitly (loaddata, a fixture, a reset_sequences test case) keeps
-- the shared sequence past it, so the next default id is free whatever Django's
-- own sequence reset did (it knows only sequences a column owns). The owner's
-- function (a loader login may use a sequence, not set it), for the Django
-- tables and these two sequences only.
create or replace function cppa_raw.django_id_floor() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
begin
    if tg_argv[0] not in ('cppa_raw.node_id_seq', 'cppa_raw.email_id_seq')
        or tg_table_name not like 'cppa\_user\_tracker\_%'
        or tg_table_schema is distinct from (
            select value from cppa_ops.settings where key = 'django_schema'
        )
    then
        raise exception using errcode = '42501',
            message = format('django_id_floor is not for %I.%I', tg_table_schema, tg_table_name);
    end if;
    if new.id > coalesce(pg_sequence_last_value(tg_argv[0]::regclass), 0) then
        perform setval(tg_argv[0]::regclass, new.id);
    end if;
    return new;
end
$$;

-- One id space with the loaders: profiles, identities and tmp identities draw
-- their ids from the node sequence, emails from the email sequence.
do $$
declare
    t record;
begin
    for t in
        select * from (values
            ('cppa_user_tracker_baseprofile', 'cppa_raw.node_id_seq'),
            ('cppa_user_tracker_identity', 'cppa_raw.node_id_seq'),
            ('cppa_user_tracker_tmpidentity', 'cppa_raw.node_id_seq'),
            ('cppa_user_tracker_email', 'cppa_raw.email_id_seq')
        ) as v (tbl, seq)
    loop
        if exists (
            select from pg_attribute
            where attrelid = format('{schema}.%I', t.tbl)::regclass
                and attname = 'id' and attidentity <> ''
        ) then
            execute format('alter table {schema}.%I alter column id drop identity', t.tbl);
        end if;
        execute format(
            'alter table {schema}.%I alter column id set default nextval(%L)', t.tbl, t.seq
        );
        execute format(
            'create or replace trigger cppa_identity_id_floor before insert on {schema}.%I'
            ' for each row execute function cppa_raw.django_id_floor(%L)', t.tbl, t.seq
        );
        -- ids already in the table (a database the old app filled) are never handed out again
        execute format(
            'select setval(%L, m) from (select max(id) as m from {schema}.%I) as t'
            ' where m >= (select case when is_called then last_value + 1 else last_value end'
            ' from %s)',
            t.seq, t.tbl, t.seq
        );
    end loop;
end
$$;

-- Triggers do nothing while a run writes identities back (the write-back is not
-- something a collector said): only where the session works as the run's role
-- (once `grants` ran; before, one login does every job). A collector's login
-- setting the flag is logged as any other write.
create or replace function cppa_raw.django_mirror_paused() returns boolean
language sql stable as $$
    select coalesce(current_setting('cppa_identity.django_write_back', true), '') = 'on'
        and coalesce(
            (select pg_has_role(current_user, r.role_name, 'MEMBER')
             from cppa_ops.roles as r
             where r.job = 'transformer'
                 and exists (select from pg_roles where rolname = r.role_name)),
            true
        )
$$;

-- The profile key: the platform's own id, or one of the profile's own when
-- another profile holds that id already (or the platform has none):
-- 'django:<id>', or 'django:<id>.<n>' when a profile imported from another
-- database keeps 'django:<id>' (its id there; `import` keeps stored keys).
create or replace function cppa_raw.django_register_profile(
    p_id bigint, p_platform text, p_key text
) returns void
language plpgsql as $$
declare
    own text := 'django:' || p_id;
    n int := 0;
begin
    if exists (select from cppa_raw.profiles where base_profile_id = p_id) then
        return;
    end if;
    if p_key is not null then
        insert into cppa_raw.profiles (base_profile_id, platform, natural_key, source)
        values (p_id, p_platform, p_key, 'django')
        on conflict do nothing;
        if found then
            return;
        end if;
    end if;
    loop
        insert into cppa_raw.profiles (base_profile_id, platform, natural_key, source)
        values (p_id, p_platform, own, 'django')
        on conflict do nothing;
        if found or exists (select from cppa_raw.profiles where base_profile_id = p_id) then
            return;
        end if;
        n := n + 1;
        own := 'django:' || p_id || '.' || n;
    end loop;
end
$$;

-- One observation of a profile: the row as Django holds it now.
create or replace function cppa_raw.django_observe_profile(
    p_platform text, p_id bigint, r jsonb, p_identity_id bigint
) returns void
language plpgsql as $$
begin
    case p_platform
    when 'github' then
        insert into cppa_raw.github_accounts (
            base_profile_id, github_account_id, username, display_name, avatar_url,
            account_type, identity_id, source
        ) values (
            p_id, (r ->> 'github_account_id')::bigint, r ->> 'username', r ->> 'display_name',
            r ->> 'avatar_url', r ->> 'account_type', p_identity_id, 'django'
        );
    when 'slack' then
        insert into cppa_raw.slack_users (
            base_profile_id, slack_user_id, username, display_name, avatar_url,
            identity_id, source
        ) values (
            p_id, r ->> 'slack_user_id', r ->> 'username', r ->> 'display_name',
            r ->> 'avatar_url', p_identity_id, 'django'
        );
    when 'discord' then
        insert into cppa_raw.discord_profiles (
            base_profile_id, discord_user_id, username, display_name, avatar_url, is_bot,
            identity_id, source
        ) values (
            p_id, (r ->> 'discord_user_id')::bigint, r ->> 'username', r ->> 'display_name',
            r ->> 'avatar_url', (r ->> 'is_bot')::boolean, p_identity_id, 'django'
        );
    when 'mailing_list' then
        insert into cppa_raw.mailing_list_profiles (
            base_profile_id, display_name, identity_id, source
        ) values (p_id, r ->> 'display_name', p_identity_id, 'django');
    when 'wg21' then
        insert into cppa_raw.wg21_paper_author_profiles (
            base_profile_id, display_name, author_alias, identity_id, source
        ) values (
            p_id, r ->> 'display_name', r ->> 'author_alias', p_identity_id, 'django'
        );
    when 'youtube' then
        insert into cppa_raw.youtube_speakers (
            base_profile_id, external_id, display_name, identity_id, source
        ) values (p_id, r ->> 'external_id', r ->> 'display_name', p_identity_id, 'django');
    end case;
end
$$;

-- A platform table (githubaccount, slackuser, ...): tg_argv[0] is the platform.
create or replace function cppa_raw.django_platform_row() returns trigger
language plpgsql as $$
declare
    r jsonb := to_jsonb(new);
    identity bigint;
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    if tg_op = 'UPDATE' and (r - 'updated_at') = (to_jsonb(old) - 'updated_at') then
        return null;  -- a save that changed nothing says nothing new
    end if;
    if tg_op = 'INSERT' then
        perform cppa_raw.django_register_profile(
            new.baseprofile_ptr_id,
            tg_argv[0],
            r ->> case tg_argv[0]
                when 'github' then 'github_account_id'
                when 'slack' then 'slack_user_id'
                when 'discord' then 'discord_user_id'
                when 'youtube' then 'external_id'
            end
        );
        -- the identity a collector named when it created the profile
        execute format(
            'select identity_id from %I.cppa_user_tracker_baseprofile where id = $1',
            tg_table_schema
        ) into identity using new.baseprofile_ptr_id;
    end if;
    perform cppa_raw.django_observe_profile(tg_argv[0], new.baseprofile_ptr_id, r, identity);
    return null;
end
$$;

-- The base table: a changed identity is an observation of the platform row; a
-- deleted profile a removal.
create or replace function cppa_raw.django_base_row() returns trigger
language plpgsql as $$
declare
    platform text;
    r jsonb;
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    if tg_op = 'DELETE' then
        insert into cppa_raw.removals (node_id, kind, source)
        select old.id, 'profile', 'django'
        where exists (select from cppa_raw.profiles where base_profile_id = old.id);
        return null;
    end if;
    if new.identity_id is not distinct from old.identity_id then
        return null;
    end if;
    select p.platform into platform from cppa_raw.profiles as p where p.base_profile_id = new.id;
    if platform is null then
        return null;  -- no platform row yet: its INSERT reads the identity
    end if;
    execute format(
        'select to_jsonb(t) from %I.%I as t where t.baseprofile_ptr_id = $1',
        tg_table_schema,
        'cppa_user_tracker_' || case platform
            when 'github' then 'githubaccount'
            when 'slack' then 'slackuser'
            when 'discord' then 'discordprofile'
            when 'mailing_list' then 'mailinglistprofile'
            when 'wg21' then 'wg21paperauthorprofile'
            when 'youtube' then 'youtubespeaker'
        end
    ) into r using new.id;
    if r is not null then
        perform cppa_raw.django_observe_profile(platform, new.id, r, new.identity_id);
    end if;
    return null;
end
$$;

create or replace function cppa_raw.django_email_row() returns trigger
language plpgsql as $$
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    if tg_op = 'INSERT' then
        insert into cppa_raw.emails (
            email_id, base_profile_id, action, email, is_primary, is_active, source
        ) values (
            new.id, new.base_profile_id, 'add', new.email, new.is_primary, new.is_active,
            'django'
        );
    elsif tg_op = 'UPDATE' then
        if (new.email, new.is_primary, new.is_active, new.base_profile_id)
            is not distinct from (old.email, old.is_primary, old.is_active, old.base_profile_id)
        then
            return null;
        end if;
        insert into cppa_raw.emails (
            email_id, base_profile_id, action, email, is_primary, is_active, source
        ) values (
            new.id, new.base_profile_id, 'update',
            case when new.email is distinct from old.email then new.email end,
            case when new.is_primary is distinct from old.is_primary then new.is_primary end,
            case when new.is_active is distinct from old.is_active then new.is_active end,
            'django'
        );
    else
        insert into cppa_raw.emails (email_id, base_profile_id, action, source)
        values (old.id, old.base_profile_id, 'remove', 'django');
    end if;
    return null;
end
$$;

create or replace function cppa_raw.django_identity_row() returns trigger
language plpgsql as $$
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    if tg_op = 'INSERT' then
        insert into cppa_raw.identities (identity_id, action, display_name, description, source)
        values (new.id, 'create', new.display_name, new.description, 'django');
    elsif tg_op = 'UPDATE' then
        if (new.display_name, new.description) is not distinct from (old.display_name, old.description)
            -- one a run wrote back is the merge's: its id is its oldest profile's,
            -- and an event under it declared a second node with that id (every
            -- later run failed its data tests)
            or not exists (select from cppa_raw.identities where identity_id = old.id)
        then
            return null;
        end if;
        insert into cppa_raw.identities (identity_id, action, display_name, description, source)
        values (
            new.id, 'update',
            case when new.display_name is distinct from old.display_name then new.display_name end,
            case when new.description is distinct from old.description then new.description end,
            'django'
        );
    elsif exists (select from cppa_raw.identities where identity_id = old.id) then
        -- a declared identity (one a run wrote back is the merge's: nothing to log)
        insert into cppa_raw.identities (identity_id, action, source)
        values (old.id, 'remove', 'django');
    end if;
    return null;
end
$$;

create or replace function cppa_raw.django_tmp_identity_row() returns trigger
language plpgsql as $$
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    if tg_op = 'INSERT' then
        insert into cppa_raw.tmp_identities (tmp_identity_id, display_name, description, source)
        values (new.id, new.display_name, new.description, 'django')
        on conflict do nothing;
    else
        insert into cppa_raw.removals (node_id, kind, source)
        values (old.id, 'tmp_identity', 'django');
    end if;
    return null;
end
$$;

-- A (profile, tmp identity) link: its key row, then an add or remove event.
create or replace function cppa_raw.django_link(
    p_base_profile_id bigint, p_tmp_identity_id bigint, p_action text
) returns boolean
language plpgsql as $$
declare
    relation bigint;
begin
    insert into cppa_raw.temp_profile_identity_relation_keys
        (base_profile_id, tmp_identity_id, source)
    values (p_base_profile_id, p_tmp_identity_id, 'django')
    on conflict (base_profile_id, tmp_identity_id) do nothing;
    select k.relation_id into relation
    from cppa_raw.temp_profile_identity_relation_keys as k
    where k.base_profile_id = p_base_profile_id and k.tmp_identity_id = p_tmp_identity_id;
    insert into cppa_raw.temp_profile_identity_relations (relation_id, action, source)
    values (relation, p_action, 'django');
    return true;
end
$$;

create or replace function cppa_raw.django_relation_row() returns trigger
language plpgsql as $$
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    if tg_op = 'UPDATE'
        and (new.base_profile_id, new.target_identity_id)
        is not distinct from (old.base_profile_id, old.target_identity_id)
    then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        perform cppa_raw.django_link(old.base_profile_id, old.target_identity_id, 'remove');
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform cppa_raw.django_link(new.base_profile_id, new.target_identity_id, 'add');
    end if;
    return null;
end
$$;

-- TRUNCATE (Django's flush, between transactional tests) removes every row of
-- a table: the log records each removal, as a DELETE would have been.
create or replace function cppa_raw.django_truncated() returns trigger
language plpgsql as $$
begin
    if cppa_raw.django_mirror_paused() then
        return null;
    end if;
    case tg_table_name
    when 'cppa_user_tracker_baseprofile' then
        execute format($q$
            insert into cppa_raw.removals (node_id, kind, source)
            select b.id, 'profile', 'django' from %I.%I as b
            where exists (select from cppa_raw.profiles as p where p.base_profile_id = b.id)
        $q$, tg_table_schema, tg_table_name);
    when 'cppa_user_tracker_email' then
        execute format($q$
            insert into cppa_raw.emails (email_id, base_profile_id, action, source)
            select e.id, e.base_profile_id, 'remove', 'django' from %I.%I as e
        $q$, tg_table_schema, tg_table_name);
    when 'cppa_user_tracker_identity' then
        execute format($q$
            insert into cppa_raw.identities (identity_id, action, source)
            select i.id, 'remove', 'django' from %I.%I as i
            where exists (select from cppa_raw.identities as r where r.identity_id = i.id)
        $q$, tg_table_schema, tg_table_name);
    when 'cppa_user_tracker_tmpidentity' then
        execute format($q$
            insert into cppa_raw.removals (node_id, kind, source)
            select t.id, 'tmp_identity', 'django' from %I.%I as t
        $q$, tg_table_schema, tg_table_name);
    when 'cppa_user_tracker_tempprofileidentityrelation' then
        execute format($q$
            select count(cppa_raw.django_link(l.base_profile_id, l.target_identity_id, 'remove'))
            from %I.%I as l
        $q$, tg_table_schema, tg_table_name);
    else
        null;  -- the platform tables: their base rows carry the removal
    end case;
    return null;
end
$$;

create or replace trigger cppa_identity_log
after insert or update on {schema}.cppa_user_tracker_githubaccount
for each row execute function cppa_raw.django_platform_row('github');
create or replace trigger cppa_identity_log
after insert or update on {schema}.cppa_user_tracker_slackuser
for each row execute function cppa_raw.django_platform_row('slack');
create or replace trigger cppa_identity_log
after insert or update on {schema}.cppa_user_tracker_discordprofile
for each row execute function cppa_raw.django_platform_row('discord');
create or replace trigger cppa_identity_log
after insert or update on {schema}.cppa_user_tracker_mailinglistprofile
for each row execute function cppa_raw.django_platform_row('mailing_list');
create or replace trigger cppa_identity_log
after insert or update on {schema}.cppa_user_tracker_wg21paperauthorprofile
for each row execute function cppa_raw.django_platform_row('wg21');
create or replace trigger cppa_identity_log
after insert or update on {schema}.cppa_user_tracker_youtubespeaker
for each row execute function cppa_raw.django_platform_row('youtube');
create or replace trigger cppa_identity_log
after update or delete on {schema}.cppa_user_tracker_baseprofile
for each row execute function cppa_raw.django_base_row();
create or replace trigger cppa_identity_log
after insert or update or delete on {schema}.cppa_user_tracker_email
for each row execute function cppa_raw.django_email_row();
create or replace trigger cppa_identity_log
after insert or update or delete on {schema}.cppa_user_tracker_identity
for each row execute function cppa_raw.django_identity_row();
create or replace trigger cppa_identity_log
after insert or delete on {schema}.cppa_user_tracker_tmpidentity
for each row execute function cppa_raw.django_tmp_identity_row();
create or replace trigger cppa_identity_log
after insert or update or delete on {schema}.cppa_user_tracker_tempprofileidentityrelation
for each row execute function cppa_raw.django_relation_row();

create or replace trigger cppa_identity_truncate
before truncate on {schema}.cppa_user_tracker_baseprofile
for each statement execute function cppa_raw.django_truncated();
create or replace trigger cppa_identity_truncate
before truncate on {schema}.cppa_user_tracker_email
for each statement execute function cppa_raw.django_truncated();
create or replace trigger cppa_identity_truncate
before truncate on {schema}.cppa_user_tracker_identity
for each statement execute function cppa_raw.django_truncated();
create or replace trigger cppa_identity_truncate
before truncate on {schema}.cppa_user_tracker_tmpidentity
for each statement execute function cppa_raw.django_truncated();
create or replace trigger cppa_identity_truncate
before truncate on {schema}.cppa_user_tracker_tempprofileidentityrelation
for each statement execute function cppa_raw.django_truncated();

-- Moving in: rows the Django tables hold that the log has not seen (a database
-- the old app filled), appended as the triggers would have. Identity and tmp
-- identity ids that a profile's id already takes (the old app numbered each
-- table on its own) are renumbered first; profile ids, which other apps' foreign
-- keys point at, are kept. Returns what it did, per kind.
create or replace function cppa_raw.django_move_in(p_schema text) returns jsonb
language plpgsql as $$
declare
    counts jsonb := '{}';
    n bigint;
    platform record;
    -- identity rows a run wrote back are the merge's, not a collector's: their
    -- ids are the published identities' (unseen = neither declared nor merged)
    unseen_identity text := case
        when to_regclass('cppa_identity.identity') is null
            then 'not exists (select from cppa_raw.identities as r where r.identity_id = i.id)'
        else 'not exists (select from cppa_raw.identities as r where r.identity_id = i.id)'
            ' and not exists (select from cppa_identity.identity as w where w.id = i.id)'
    end;
begin
    perform set_config('cppa_identity.django_write_back', 'on', true);
    -- one id space: renumber identities and tmp identities that collide
    execute format($q$
        with moved as (
            select i.id as old_id, nextval('cppa_raw.node_id_seq') as new_id
            from %1$I.cppa_user_tracker_identity as i
            where i.id in (select id from %1$I.cppa_user_tracker_baseprofile)
                and %2$s
        ),
        relinked as (
            update %1$I.cppa_user_tracker_baseprofile as b set identity_id = moved.new_id
            from moved where b.identity_id = moved.old_id
        )
        update %1$I.cppa_user_tracker_identity as i set id = moved.new_id
        from moved where i.id = moved.old_id
    $q$, p_schema, unseen_identity);
    get diagnostics n = row_count;
    counts := counts || jsonb_build_object('identities_renumbered', n);
    execute format($q$
        with moved as (
            select t.id as old_id, nextval('cppa_raw.node_id_seq') as new_id
            from %1$I.cppa_user_tracker_tmpidentity as t
            where (t.id in (select id from %1$I.cppa_user_tracker_baseprofile)
                    or t.id in (select id from %1$I.cppa_user_tracker_identity))
                and not exists (
                    select from cppa_raw.tmp_identities as r where r.tmp_identity_id = t.id
                )
        ),
        relinked as (
            update %1$I.cppa_user_tracker_tempprofileidentityrelation as l
            set target_identity_id = moved.new_id
            from moved where l.target_identity_id = moved.old_id
        )
        update %1$I.cppa_user_tracker_tmpidentity as t set id = moved.new_id
        from moved where t.id = moved.old_id
    $q$, p_schema);
    get diagnostics n = row_count;
    counts := counts || jsonb_build_object('tmp_identities_renumbered', n);

    execute format($q$
        select count(cppa_raw.django_identity_moved_in(to_jsonb(i)))
        from %1$I.cppa_user_tracker_identity as i
        where %2$s
    $q$, p_schema, unseen_identity) into n;
    counts := counts || jsonb_build_object('identities', n);
    execute format($q$
        insert into cppa_raw.tmp_identities (tmp_identity_id, display_name, description, source)
        select t.id, t.display_name, t.description, 'django'
        from %1$I.cppa_user_tracker_tmpidentity as t
        on conflict do nothing
    $q$, p_schema);
    get diagnostics n = row_count;
    counts := counts || jsonb_build_object('tmp_identities', n);

    for platform in
        select * from (values
            ('github', 'githubaccount', 'github_account_id'),
            ('slack', 'slackuser', 'slack_user_id'),
            ('discord', 'discordprofile', 'discord_user_id'),
            ('mailing_list', 'mailinglistprofile', null),
            ('wg21', 'wg21paperauthorprofile', null),
            ('youtube', 'youtubespeaker', 'external_id')
        ) as v (name, tbl, key_column)
    loop
        execute format($q$
            select count(cppa_raw.django_profile_moved_in(%2$L, to_jsonb(c), b.identity_id, %3$L))
            from %1$I.%4$I as c
            inner join %1$I.cppa_user_tracker_baseprofile as b on c.baseprofile_ptr_id = b.id
            where not exists (
                select from cppa_raw.profiles as p where p.base_profile_id = b.id
            )
        $q$, p_schema, platform.name, platform.key_column, 'cppa_user_tracker_' || platform.tbl)
        into n;
        counts := counts || jsonb_build_object(platform.name, n);
    end loop;

    execute format($q$
        insert into cppa_raw.emails (
            email_id, base_profile_id, action, email, is_primary, is_active, source
        )
        select e.id, e.base_profile_id, 'add', e.email, e.is_primary, e.is_active, 'django'
        from %1$I.cppa_user_tracker_email as e
        where not exists (select from cppa_raw.emails as r where r.email_id = e.id)
    $q$, p_schema);
    get diagnostics n = row_count;
    counts := counts || jsonb_build_object('emails', n);
    execute format($q$
        select count(cppa_raw.django_link(l.base_profile_id, l.target_identity_id, 'add'))
        from %1$I.cppa_user_tracker_tempprofileidentityrelation as l
        where not exists (
            select from cppa_raw.temp_profile_identity_relation_keys as k
            where k.base_profile_id = l.base_profile_id
                and k.tmp_identity_id = l.target_identity_id
        )
    $q$, p_schema) into n;
    counts := counts || jsonb_build_object('relations', n);
    perform set_config('cppa_identity.django_write_back', 'off', true);
    return counts;
end
$$;

create or replace function cppa_raw.django_identity_moved_in(r jsonb) returns boolean
language sql as $$
    insert into cppa_raw.identities (identity_id, action, display_name, description, source)
    values ((r ->> 'id')::bigint, 'create', r ->> 'display_name', r ->> 'description', 'django')
    returning true
$$;

create or replace function cppa_raw.django_profile_moved_in(
    p_platform text, r jsonb, p_identity_id bigint, p_key_column text
) returns boolean
language plpgsql as $$
begin
    perform cppa_raw.django_register_profile(
        (r ->> 'baseprofile_ptr_id')::bigint, p_platform, r ->> p_key_column
    );
    perform cppa_raw.django_observe_profile(
        p_platform, (r ->> 'baseprofile_ptr_id')::bigint, r, p_identity_id
    );
    return true;
end
$$;

-- A declared Identity row whose declared identity a run merged into another
-- (a collector named it, the merge joined it to an older profile) is left with
-- no profile: the write-back removes it (the log keeps the declaration), unless
-- a row of another app points at it. Returns the ids removed.
create or replace function cppa_raw.django_drop_merged_identities(p_django text, p_marts text)
returns setof bigint
language plpgsql as $$
declare
    merged bigint;
begin
    for merged in execute format($q$
        select i.id from %1$I.cppa_user_tracker_identity as i
        inner join %2$I.identity_node as n on n.node_id = i.id and n.node_type = 'identity'
        where n.identity_id <> i.id
            and not exists (select from %2$I.identity as m where m.id = i.id)
            and not exists (
                select from %1$I.cppa_user_tracker_baseprofile as b where b.identity_id = i.id
            )
        order by i.id
    $q$, p_django, p_marts)
    loop
        begin
            execute format('delete from %I.cppa_user_tracker_identity where id = $1', p_django)
            using merged;
            set constraints all immediate;  -- Django's foreign keys are deferred: check now
            set constraints all deferred;
            return next merged;
        exception when foreign_key_violation then
            null;  -- another app's row points at it: it stays
        end;
    end loop;
end
$$;

-- The run writes identities back as the transformer role (where the roles
-- exist): it may read, add, re-point and drop these rows, nothing else. The
-- collectors' login (the loader role) reads and writes every table of the app,
-- and each of its writes is logged by the triggers. Called here and by
-- `cppa-identity grants`.
create or replace function cppa_raw.django_grant_write_back() returns void
language plpgsql as $$
declare
    s text := (select value from cppa_ops.settings where key = 'django_schema');
    t text := (select role_name from cppa_ops.roles where job = 'transformer');
    l text := (select role_name from cppa_ops.roles where job = 'loader');
    tbl record;
    seq text;
begin
    if s is null or t is null or not exists (select from pg_roles where rolname = t)
        or to_regclass(format('%I.cppa_user_tracker_baseprofile', s)) is null
    then
        return;
    end if;
    execute format('grant usage on schema %I to %I', s, t);
    execute format(
        'grant select, insert, update on %1$I.cppa_user_tracker_identity,'
        ' %1$I.cppa_user_tracker_baseprofile to %2$I', s, t
    );
    execute format('grant delete on %I.cppa_user_tracker_identity to %I', s, t);
    if l is null or not exists (select from pg_roles where rolname = l) then
        return;
    end if;
    execute format('grant usage on schema %I to %I', s, l);
    for tbl in
        select c.oid, c.relname from pg_class as c
        where c.relnamespace = s::regnamespace and c.relkind = 'r'
            and c.relname like 'cppa\_user\_tracker\_%'
    loop
        execute format(
            'grant select, insert, update, delete, truncate on %I.%I to %I', s, tbl.relname, l
        );
        -- the sequences its columns own (Django resets them: reset_sequences, flush)
        for seq in
            select d.objid::regclass::text from pg_depend as d
            inner join pg_class as q on q.oid = d.objid and q.relkind = 'S'
            where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
                and d.refobjid = tbl.oid and d.deptype in ('a', 'i')
        loop
            execute format('grant select, usage, update on sequence %s to %I', seq, l);
        end loop;
    end loop;
end
$$;
