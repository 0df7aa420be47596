-- One row per strong evidence edge between two nodes (profiles or declared
-- identities). Every automatic merge is explained by these rows: the links
-- int_evidence_edges_drawn draws, the name links as int_name_links_confirmed
-- keeps them.
with

drawn as (select * from {{ ref('int_evidence_edges_drawn') }}),

names as (select * from {{ ref('int_name_links_confirmed') }}),

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

final as (
    select
        evidence,
        strength,
        detail,
        node_a,
        node_b
    from drawn
    where evidence <> 'distinctive_name'
    union all
    select distinct
        evidence_kinds.evidence,
        evidence_kinds.strength,
        names.detail,
        names.node_a,
        names.node_b
    from names
    inner join evidence_kinds on evidence_kinds.evidence = 'distinctive_name'
)

select * from final
