{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['display_name']}]) }}
-- One row per identity (person). id = smallest node id of its component;
-- display_name chosen by int_identities_named; an identity no profile names
-- is called by a login, else an address, so that every listing and export
-- names it (a .mailmap line needs a name).
with

clustered as (select * from {{ ref('int_profiles_clustered') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

declared as (select * from {{ ref('int_identities_collapsed') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

chosen_name as (select * from {{ ref('int_identities_named') }}),

emails as (select * from {{ ref('int_emails_collapsed') }}),

called_by as (
    select distinct on (clustered.identity_id)
        clustered.identity_id,
        coalesce(nullif(btrim(profiles.username), ''), btrim(emails.email)) as display_name
    from clustered
    inner join profiles on clustered.node_id = profiles.base_profile_id
    left join emails
        on
            profiles.base_profile_id = emails.base_profile_id
            and emails.is_active
            and btrim(emails.email) <> ''
    where coalesce(nullif(btrim(profiles.username), ''), btrim(emails.email)) is not null
    order by
        clustered.identity_id asc,
        nullif(btrim(profiles.username), '') is null asc,
        profiles.base_profile_id asc,
        emails.is_primary desc,
        emails.email_id asc
),

members as (
    select
        clustered.identity_id,
        count(*) filter (where clustered.node_type = 'profile') as profile_count,
        min(coalesce(profiles.created_at, declared.created_at)) as created_at,
        max(coalesce(profiles.updated_at, declared.updated_at)) as updated_at,
        string_agg(declared.description, ' ' order by declared.identity_id)
        filter (where declared.description <> '') as description
    from clustered
    left join profiles on clustered.node_id = profiles.base_profile_id
    left join declared on clustered.node_id = declared.identity_id
    group by clustered.identity_id
),

locked as (
    select distinct node_a as identity_id from decisions
    where action = 'lock'
),

final as (
    select
        members.identity_id as id,
        members.created_at,
        members.updated_at,
        members.profile_count,
        coalesce(chosen_name.display_name, called_by.display_name, '') as display_name,
        coalesce(members.description, '') as description,
        members.identity_id in (select locked.identity_id from locked) as is_locked
    from members
    left join chosen_name on members.identity_id = chosen_name.identity_id
    left join called_by on members.identity_id = called_by.identity_id
)

select * from final
