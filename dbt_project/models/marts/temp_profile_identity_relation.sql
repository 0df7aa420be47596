{{ config(indexes=[{'columns': ['id'], 'unique': true}]) }}
-- One row per profile → tmp identity link currently in place.
with

relations as (select * from {{ ref('int_temp_profile_identity_relations_collapsed') }}),

final as (
    select
        relation_id as id,
        base_profile_id,
        tmp_identity_id as target_identity_id,
        created_at,
        updated_at
    from relations
)

select * from final
