-- Profile → tmp identity links in place, as the old app's
-- TempProfileIdentityRelation model reads them: live.
with

relation_keys as (
    select * from {{ source('cppa_raw', 'temp_profile_identity_relation_keys') }}
),

events as (
    select * from {{ source('cppa_raw', 'temp_profile_identity_relations') }}
),

final as (
    select
        relation_keys.relation_id as id,
        relation_keys.base_profile_id,
        relation_keys.tmp_identity_id as target_identity_id,
        last_event.created_at,
        last_event.updated_at
    from relation_keys
    cross join
        lateral (
            select
                {{ latest_non_null('action', 'event_id') }} as action,
                min(events.loaded_at) as created_at,
                max(events.loaded_at) as updated_at
            from events
            where events.relation_id = relation_keys.relation_id
        ) as last_event
    where last_event.action = 'add'
)

select * from final
