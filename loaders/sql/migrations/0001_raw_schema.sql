-- Raw landing schema: append-only rows written by the loaders, read by dbt.
-- Every row carries loaded_at (UTC), the writing transaction id (loaded_xid, used
-- by `cppa-identity run` as an exact watermark) and an optional collector name.

create schema if not exists cppa_raw;

-- One id space for profiles, declared identities and tmp identities (DESIGN 4).
create sequence cppa_raw.node_id_seq as bigint;
create sequence cppa_raw.email_id_seq as bigint;
create sequence cppa_raw.unknown_github_author_seq as bigint;

-- Key registry: one row per profile, unique natural key per platform.
create table cppa_raw.profiles (
    base_profile_id bigint primary key default nextval('cppa_raw.node_id_seq'),
    platform text not null check (
        platform in ('github', 'slack', 'mailing_list', 'wg21', 'discord', 'youtube')
    ),
    natural_key text collate "C" not null,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    unique (platform, natural_key)
);

-- Commit authors without a GitHub user: name -> synthetic negative account id.
create table cppa_raw.unknown_github_authors (
    author_name text primary key,
    github_account_id bigint not null unique
        default -nextval('cppa_raw.unknown_github_author_seq'),
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text
);

-- Observations: what a collector said about a profile, as said. NULL = "not
-- given, keep what was there"; dbt reduces them to current state.
create table cppa_raw.github_accounts (
    observation_id bigint generated always as identity,
    base_profile_id bigint not null,
    github_account_id bigint not null,
    username text,
    display_name text,
    avatar_url text,
    account_type text,
    identity_id bigint,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    -- one index serves both the key and "this profile's history, in order"
    primary key (base_profile_id, observation_id)
);

create table cppa_raw.slack_users (
    observation_id bigint generated always as identity,
    base_profile_id bigint not null,
    slack_user_id text not null,
    username text,
    display_name text,
    avatar_url text,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    -- one index serves both the key and "this profile's history, in order"
    primary key (base_profile_id, observation_id)
);

create table cppa_raw.discord_profiles (
    observation_id bigint generated always as identity,
    base_profile_id bigint not null,
    discord_user_id bigint not null,
    username text,
    display_name text,
    avatar_url text,
    is_bot boolean,
    identity_id bigint,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    -- one index serves both the key and "this profile's history, in order"
    primary key (base_profile_id, observation_id)
);

create table cppa_raw.mailing_list_profiles (
    observation_id bigint generated always as identity,
    base_profile_id bigint not null,
    display_name text not null,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    -- one index serves both the key and "this profile's history, in order"
    primary key (base_profile_id, observation_id)
);

create table cppa_raw.wg21_paper_author_profiles (
    observation_id bigint generated always as identity,
    base_profile_id bigint not null,
    display_name text not null,
    author_alias text,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    -- one index serves both the key and "this profile's history, in order"
    primary key (base_profile_id, observation_id)
);

create table cppa_raw.youtube_speakers (
    observation_id bigint generated always as identity,
    base_profile_id bigint not null,
    external_id text not null,
    display_name text,
    identity_id bigint,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    -- one index serves both the key and "this profile's history, in order"
    primary key (base_profile_id, observation_id)
);

-- Email events: 'add' carries every field; 'update' carries the changed ones
-- (NULL = unchanged); 'remove' ends the email.
create table cppa_raw.emails (
    event_id bigint generated always as identity,
    email_id bigint not null,
    base_profile_id bigint not null,
    action text not null check (action in ('add', 'update', 'remove')),
    email text,
    is_primary boolean,
    is_active boolean,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    primary key (email_id, event_id)
);
create index on cppa_raw.emails (base_profile_id);

-- Declared identities (create_identity / get_or_create_identity): 'create' then
-- 'update' events carrying the new description or name.
create table cppa_raw.identities (
    event_id bigint generated always as identity primary key,
    identity_id bigint not null,
    action text not null check (action in ('create', 'update')),
    display_name text,
    description text,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text
);
create index on cppa_raw.identities (display_name);
create index on cppa_raw.identities (identity_id);

create table cppa_raw.tmp_identities (
    tmp_identity_id bigint primary key default nextval('cppa_raw.node_id_seq'),
    display_name text not null,
    description text not null,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text
);

-- Relation keys give each (profile, tmp identity) link one stable id; events
-- add and remove it.
create table cppa_raw.temp_profile_identity_relation_keys (
    relation_id bigint generated always as identity primary key,
    base_profile_id bigint not null,
    tmp_identity_id bigint not null,
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text,
    unique (base_profile_id, tmp_identity_id)
);

create table cppa_raw.temp_profile_identity_relations (
    event_id bigint generated always as identity primary key,
    relation_id bigint not null,
    action text not null check (action in ('add', 'remove')),
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text
);
create index on cppa_raw.temp_profile_identity_relations (relation_id, event_id);

-- People decide last: same / different / split / lock / unlock / dismiss /
-- revoke. node ids are profile or identity ids (one id space).
create table cppa_raw.manual_decisions (
    decision_id bigint generated always as identity primary key,
    action text not null check (
        action in ('same', 'different', 'split', 'lock', 'unlock', 'dismiss', 'revoke')
    ),
    node_a bigint,
    node_b bigint,
    members bigint [],
    revokes_decision_id bigint,
    reason text not null default '',
    decided_by text not null default '',
    loaded_at timestamptz not null default clock_timestamp(),
    loaded_xid xid8 not null default pg_current_xact_id(),
    source text
);

-- Get-or-create a profile key: race-free, one call, existing keys cost a
-- single index lookup (no dead tuples, unlike ON CONFLICT DO UPDATE).
create function cppa_raw.get_or_create_profile(
    p_platform text, p_natural_key text, p_source text,
    out base_profile_id bigint, out created boolean
) language plpgsql as $$
begin
    for attempt in 1..3 loop
        select p.base_profile_id into base_profile_id
        from cppa_raw.profiles as p
        where p.platform = p_platform and p.natural_key = p_natural_key;
        if found then
            created := false;
            return;
        end if;
        insert into cppa_raw.profiles (platform, natural_key, source)
        values (p_platform, p_natural_key, p_source)
        on conflict (platform, natural_key) do nothing
        returning profiles.base_profile_id into base_profile_id;
        if found then
            created := true;
            return;
        end if;
    end loop;
    -- only reachable when the caller's snapshot cannot see a committed key
    -- (REPEATABLE READ / SERIALIZABLE): let the caller retry its transaction
    raise exception 'a concurrent transaction created this key; retry the transaction'
        using errcode = '40001';
end;
$$;

-- Current emails of one profile, with the same rules as dbt's int_emails_collapsed.
create function cppa_raw.profile_emails(p_base_profile_id bigint)
returns table (email_id bigint, email text, is_primary boolean, is_active boolean)
language sql stable as $$
    select
        e.email_id,
        (array_agg(e.email order by e.event_id desc) filter (where e.email is not null))[1],
        (array_agg(e.is_primary order by e.event_id desc)
            filter (where e.is_primary is not null))[1],
        (array_agg(e.is_active order by e.event_id desc)
            filter (where e.is_active is not null))[1]
    from cppa_raw.emails as e
    where e.base_profile_id = p_base_profile_id
    group by e.email_id
    having bool_or(e.action = 'add') and not bool_or(e.action = 'remove')
    order by e.email_id
$$;

-- Synthetic negative GitHub id for a commit author name; race-free.
create function cppa_raw.get_or_create_unknown_github_author(p_name text, p_source text)
returns bigint language plpgsql as $$
declare
    result bigint;
begin
    for attempt in 1..3 loop
        select a.github_account_id into result
        from cppa_raw.unknown_github_authors as a where a.author_name = p_name;
        if found then
            return result;
        end if;
        insert into cppa_raw.unknown_github_authors (author_name, source)
        values (p_name, p_source)
        on conflict (author_name) do nothing
        returning github_account_id into result;
        if found then
            return result;
        end if;
    end loop;
    -- only reachable when the caller's snapshot cannot see a committed key
    -- (REPEATABLE READ / SERIALIZABLE): let the caller retry its transaction
    raise exception 'a concurrent transaction created this key; retry the transaction'
        using errcode = '40001';
end;
$$;

create index on cppa_raw.github_accounts (lower(username));

-- get_or_create_identity: serialised per display name by an advisory lock, so
-- concurrent callers with one name get one identity.
create function cppa_raw.get_or_create_identity(
    p_display_name text, p_description text, p_default_description text, p_source text,
    out identity_id bigint, out display_name text, out description text, out created boolean
) language plpgsql as $$
begin
    perform pg_advisory_xact_lock(74657303, hashtext(p_display_name));
    select c.identity_id, c.display_name, c.description
    into identity_id, display_name, description
    from (
        select i.identity_id,
            (array_agg(i.display_name order by i.event_id desc)
                filter (where i.display_name is not null))[1] as display_name,
            (array_agg(i.description order by i.event_id desc)
                filter (where i.description is not null))[1] as description
        from cppa_raw.identities as i
        where i.identity_id in (
            select x.identity_id from cppa_raw.identities as x
            where x.display_name = p_display_name)
        group by i.identity_id
    ) as c
    where c.display_name = p_display_name
    order by c.identity_id
    limit 1;
    if found then
        created := false;
        if p_description <> '' and p_description is distinct from description then
            insert into cppa_raw.identities (identity_id, action, description, source)
            values (identity_id, 'update', p_description, p_source);
            description := p_description;
        end if;
        return;
    end if;
    identity_id := nextval('cppa_raw.node_id_seq');
    display_name := p_display_name;
    description := coalesce(nullif(p_description, ''), p_default_description, '');
    created := true;
    insert into cppa_raw.identities (identity_id, action, display_name, description, source)
    values (identity_id, 'create', display_name, description, p_source);
end;
$$;

-- Link a profile to a tmp identity; idempotent, serialised on the link's key row.
create function cppa_raw.set_temp_profile_identity_relation(
    p_base_profile_id bigint, p_tmp_identity_id bigint, p_add boolean, p_source text,
    out relation_id bigint, out changed boolean
) language plpgsql as $$
declare
    last_action text;
begin
    if not exists (select from cppa_raw.profiles where base_profile_id = p_base_profile_id) then
        raise exception 'profile % does not exist', p_base_profile_id using errcode = 'P0002';
    end if;
    if not exists (
        select from cppa_raw.tmp_identities where tmp_identity_id = p_tmp_identity_id
    ) then
        raise exception 'tmp identity % does not exist', p_tmp_identity_id
            using errcode = 'P0002';
    end if;
    for attempt in 1..3 loop
        select k.relation_id into relation_id
        from cppa_raw.temp_profile_identity_relation_keys as k
        where k.base_profile_id = p_base_profile_id and k.tmp_identity_id = p_tmp_identity_id
        for update;
        exit when found;
        if not p_add then
            changed := false;
            return;
        end if;
        insert into cppa_raw.temp_profile_identity_relation_keys
            (base_profile_id, tmp_identity_id, source)
        values (p_base_profile_id, p_tmp_identity_id, p_source)
        on conflict (base_profile_id, tmp_identity_id) do nothing;
    end loop;
    if relation_id is null then
        -- only reachable when the caller's snapshot cannot see a committed key
        -- (REPEATABLE READ / SERIALIZABLE): let the caller retry its transaction
        raise exception 'a concurrent transaction created this key; retry the transaction'
            using errcode = '40001';
    end if;
    select r.action into last_action
    from cppa_raw.temp_profile_identity_relations as r
    where r.relation_id = set_temp_profile_identity_relation.relation_id
    order by r.event_id desc limit 1;
    changed := (coalesce(last_action, 'remove') = 'add') <> p_add;
    if changed then
        insert into cppa_raw.temp_profile_identity_relations (relation_id, action, source)
        values (relation_id, case when p_add then 'add' else 'remove' end, p_source);
    end if;
end;
$$;
