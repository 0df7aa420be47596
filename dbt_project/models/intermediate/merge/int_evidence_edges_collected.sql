-- One row per strong evidence edge between two nodes (profiles or declared
-- identities). Every automatic merge is explained by these rows: the
-- deterministic links int_evidence_edges_drawn draws and the comparison model's
-- links (int_comparison_links_confirmed).
with

drawn as (select * from {{ ref('int_evidence_edges_drawn') }}),

links as (select * from {{ ref('int_comparison_links_confirmed') }}),

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

final as (
    select
        evidence,
        strength,
        detail,
        node_a,
        node_b
    from drawn
    union all
    select
        evidence_kinds.evidence,
        evidence_kinds.strength,
        links.detail,
        links.node_a,
        links.node_b
    from links
    inner join evidence_kinds on evidence_kinds.evidence = 'probable_match'
)

select * from final
