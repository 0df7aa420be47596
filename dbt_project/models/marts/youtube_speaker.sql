{{ config(indexes=[
    {'columns': ['id'], 'unique': true},
    {'columns': ['external_id']},
]) }}
-- One row per YouTube speaker.
with

youtube as (select * from {{ ref('int_youtube_speakers_collapsed') }}),

final as (
    select
        base_profile_id as id,
        external_id,
        display_name,
        created_at,
        updated_at
    from youtube
)

select * from final
