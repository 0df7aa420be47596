with

source as (
    select * from {{ source('cppa_raw', 'unknown_github_authors') }}
    where {{ watermark_filter() }}
),

renamed as (
    select
        github_account_id::bigint as github_account_id,
        author_name::text as author_name,
        loaded_at,
        source as source_name
    from source
)

select * from renamed
