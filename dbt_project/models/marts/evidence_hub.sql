-- One row per identifier shared by more profiles than var('hub_threshold'): an
-- address hub is not used as evidence (a name or login weighs by how common it
-- is). Review these: a hub is usually a shared or generic address.
with

hubs as (select * from {{ ref('int_evidence_hubs_flagged') }}),

final as (
    select
        identifier_kind,
        identifier,
        profile_count,
        identifier_kind || ':' || identifier as hub_id
    from hubs
)

select * from final
