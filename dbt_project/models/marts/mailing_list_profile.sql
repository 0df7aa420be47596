{{ config(indexes=[{'columns': ['id'], 'unique': true}]) }}
-- One row per mailing-list poster.
with

mailing_list as (select * from {{ ref('int_mailing_list_profiles_collapsed') }}),

final as (
    select
        base_profile_id as id,
        display_name,
        created_at,
        updated_at
    from mailing_list
)

select * from final
