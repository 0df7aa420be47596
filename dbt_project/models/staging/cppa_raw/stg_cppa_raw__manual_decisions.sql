with

source as (
    select * from {{ source('cppa_raw', 'manual_decisions') }}
    where {{ watermark_filter() }}
),

renamed as (
    select
        decision_id,
        action,
        node_a,
        node_b,
        members,
        revokes_decision_id,
        reason,
        decided_by,
        loaded_at as decided_at,
        source as source_name
    from source
)

select * from renamed
