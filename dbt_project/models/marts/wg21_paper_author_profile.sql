{{ config(indexes=[{'columns': ['id'], 'unique': true}, {'columns': ['author_alias']}]) }}
-- One row per WG21 paper author.
with

wg21 as (select * from {{ ref('int_wg21_paper_author_profiles_collapsed') }}),

final as (
    select
        base_profile_id as id,
        display_name,
        author_alias,
        created_at,
        updated_at
    from wg21
)

select * from final
