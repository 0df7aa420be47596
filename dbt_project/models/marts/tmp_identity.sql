{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['display_name']}]) }}
-- One row per staging identity.
with

tmp_identities as (select * from {{ ref('stg_cppa_raw__tmp_identities') }}),

final as (
    select
        tmp_identity_id as id,
        display_name,
        description,
        loaded_at as created_at,
        loaded_at as updated_at
    from tmp_identities
)

select * from final
