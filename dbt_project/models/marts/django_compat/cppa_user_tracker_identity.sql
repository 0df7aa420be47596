-- Identities as the old app's Identity model reads them: from the last run.
with

identities as (
    select * from {{ ref('identity') }}
),

final as (
    select
        id,
        display_name::varchar(255) as display_name,
        description,
        created_at,
        updated_at
    from identities
)

select * from final
