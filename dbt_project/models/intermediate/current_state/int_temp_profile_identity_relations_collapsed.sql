-- One row per profile → tmp identity link that is currently in place.
with

relation_keys as (
    select * from {{ ref('stg_cppa_raw__temp_profile_identity_relation_keys') }}
),

events as (
    select * from {{ ref('stg_cppa_raw__temp_profile_identity_relations') }}
),

collapsed as (
    select
        relation_id,
        {{ latest_non_null('action', 'event_id') }} as last_action,
        min(loaded_at) as created_at,
        max(loaded_at) as updated_at
    from events
    group by relation_id
),

final as (
    select
        relation_keys.relation_id,
        relation_keys.base_profile_id,
        relation_keys.tmp_identity_id,
        collapsed.created_at,
        collapsed.updated_at
    from relation_keys
    inner join collapsed on relation_keys.relation_id = collapsed.relation_id
    where collapsed.last_action = 'add'
)

select * from final
