{{ config(indexes=[{'columns': ['identity_id']}]) }}
-- One row per strong evidence edge that holds an identity together: why these
-- profiles were merged, and its provenance: verified (account ids, declared
-- identities, decisions, an address both ends' platform accounts hold) or
-- claimed (what anyone can write: names, handles, commit and list addresses).
with

edges as (select * from {{ ref('int_evidence_edges_collected') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

profiles as (select * from {{ ref('int_profiles_unioned') }}),

final as (
    select
        clustered_a.identity_id,
        edges.node_a,
        edges.node_b,
        edges.evidence,
        edges.strength,
        edges.detail,
        case
            when evidence_kinds.provenance <> 'accounts' then evidence_kinds.provenance
            when
                coalesce(profile_a.is_platform_account, false)
                and coalesce(profile_b.is_platform_account, false)
                then 'verified'
            else 'claimed'
        end as provenance
    from edges
    inner join clustered as clustered_a on edges.node_a = clustered_a.node_id
    inner join clustered as clustered_b on edges.node_b = clustered_b.node_id
    inner join evidence_kinds on edges.evidence = evidence_kinds.evidence
    left join profiles as profile_a on edges.node_a = profile_a.base_profile_id
    left join profiles as profile_b on edges.node_b = profile_b.base_profile_id
    where clustered_a.identity_id = clustered_b.identity_id
)

select * from final
