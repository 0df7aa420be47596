-- A profile joins the identity it declares (when that identity exists).
-- Pairwise: int_evidence_edges_drawn keeps an edge when both ends are eligible.
{{ config(materialized='view') }}

with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

final as (
    select
        profiles.base_profile_id as node_a,
        profiles.declared_identity_id as node_b,
        'declared_identity' as evidence,
        profiles.declared_identity_id::text as detail
    from profiles
    inner join identities on profiles.declared_identity_id = identities.identity_id
)

select * from final
