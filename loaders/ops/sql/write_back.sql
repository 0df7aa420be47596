-- A run's identities, written back into the Django tables inside the run's
-- publish transaction ({django}: their schema, {marts}: the marts just
-- published). The triggers pause: this is the merge speaking, not a collector.
select set_config('cppa_identity.django_write_back', 'on', true);

-- identities_added: the merged identities that Django profiles now point at
insert into {django}.cppa_user_tracker_identity (id, display_name, description, created_at, updated_at)
select
    merged.id,
    left(merged.display_name, 255),
    merged.description,
    coalesce(merged.created_at, clock_timestamp()),
    coalesce(merged.updated_at, clock_timestamp())
from {marts}.identity as merged
where merged.id in (
    select profile.identity_id
    from {marts}.base_profile as profile
    inner join {django}.cppa_user_tracker_baseprofile as django on profile.id = django.id
)
on conflict (id) do nothing;

-- identities_renamed: rows the write-back made follow the merge's name (a
-- collector's own Identity rows keep theirs)
update {django}.cppa_user_tracker_identity as django
set display_name = left(merged.display_name, 255), updated_at = clock_timestamp()
from {marts}.identity as merged
where merged.id = django.id
    and django.display_name is distinct from left(merged.display_name, 255)
    and not exists (select from cppa_raw.identities as declared where declared.identity_id = django.id);

-- profiles_moved: each Django profile points at its merged identity
update {django}.cppa_user_tracker_baseprofile as django
set identity_id = profile.identity_id
from {marts}.base_profile as profile
where profile.id = django.id and django.identity_id is distinct from profile.identity_id;

-- identities_dropped: declared Identity rows the merge joined to another, left
-- with no profile (the log keeps the declaration)
select cppa_raw.django_drop_merged_identities({django_name}, {marts_name});

select set_config('cppa_identity.django_write_back', 'off', true);
