with

source as (
    select * from {{ source('cppa_raw', 'wg21_paper_author_profiles') }}
    where
        {{ watermark_filter() }}
        and {{ registered('base_profile_id', 'wg21') }}
),

renamed as (
    select
        observation_id,
        base_profile_id,
        display_name,
        author_alias,
        identity_id as declared_identity_id,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
